// Type-level check (tsc over tests/js): Howth.file goes where a Blob body does.
export function typedUses(): Response[] {
  const f: Howth.HowthFile = Howth.file("/tmp/x.txt");
  const z: Uint8Array = Howth.zstdCompressSync(Howth.gzipSync("x", { level: 9 }));
  void Howth.write(f, z);
  return [new Response(f), new Response(f.slice(1, 2))];
}
