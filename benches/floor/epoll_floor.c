// The no-runtime floor for `make bench`: one thread, one epoll set, and a
// fixed "Hi" response per request found in what was read. It does no HTTP
// parsing beyond counting header terminators, so it is only a floor for
// small GET requests (what the bench sends), never a server. With a second
// argument "json" it answers a small fixed JSON document instead: the
// upstream of the proxy scenario (make bench-proxy), the same for every
// runtime measured.
#define _GNU_SOURCE
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 512
#define BUF_SIZE 65536

static const char HI[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nHi";
static const char JSON[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 54\r\nContent-Type: application/json\r\n\r\n"
    "{\"id\":42,\"name\":\"upstream\",\"tags\":[\"a\",\"b\"],\"ok\":true}";

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 4096) != 0) return -1;
  return fd;
}

static void accept_all(int ep, int listener) {
  int on = 1;
  for (;;) {
    int c = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
    if (c < 0) return;  // EAGAIN: drained; anything else: try again next event
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
  }
}

// Requests whose head ended in these bytes (pipelined requests count each).
static int count_heads(const char *buf, ssize_t len) {
  int heads = 0;
  for (ssize_t i = 3; i < len; i++)
    if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') heads++;
  return heads;
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 3009;
  int json = argc > 2 && strcmp(argv[2], "json") == 0;
  const char *answer = json ? JSON : HI;
  size_t answer_len = json ? sizeof JSON - 1 : sizeof HI - 1;
  int listener = listen_on(port);
  if (listener < 0) {
    perror("epoll_floor: listen");
    return 1;
  }
  int ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = listener};
  epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev);
  static struct epoll_event events[MAX_EVENTS];
  static char in[BUF_SIZE], out[BUF_SIZE];
  for (;;) {
    int ready = epoll_wait(ep, events, MAX_EVENTS, -1);
    for (int i = 0; i < ready; i++) {
      int fd = events[i].data.fd;
      if (fd == listener) {
        accept_all(ep, listener);
        continue;
      }
      ssize_t got = read(fd, in, sizeof in);
      if (got <= 0) {  // peer closed or error: the kernel drops it from the set
        close(fd);
        continue;
      }
      size_t len = 0;
      for (int n = count_heads(in, got); n > 0 && len + answer_len <= sizeof out; n--) {
        memcpy(out + len, answer, answer_len);
        len += answer_len;
      }
      if (len > 0 && write(fd, out, len) < 0) close(fd);
    }
  }
}
