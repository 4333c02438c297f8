// The database benchmark app (benches/db/run.mjs), one file for Howth and
// Bun: their Postgres and Redis clients have the same shape, so only the
// namespace differs (Howth.SQL / Bun.SQL, Howth.RedisClient /
// Bun.RedisClient). Routes:
//   /db                  TechEmpower single query: one random World row
//   /queries?n=20        TechEmpower multiple queries: n random rows
//   /updates?n=5         n rows read and given new random numbers, in one transaction
//   /fortunes            TechEmpower fortunes: all rows plus one, sorted, HTML-escaped
//   /async-db?min&max&limit  HttpArena async-db: items by price range, jsonb tags
//   /crud/:id            HttpArena crud read: Redis cache-aside (200 ms TTL), X-Cache MISS|HIT

declare const Bun: any;
const R: any = (globalThis as any).Howth ?? Bun;
const env: Record<string, string | undefined> = R.env;

const sql = new R.SQL(env.DATABASE_URL, { max: Number(env.DB_POOL ?? 10) });
const redis = new R.RedisClient(env.REDIS_URL);

const WORLD_ROWS = 10_000;
const randomId = () => 1 + Math.floor(Math.random() * WORLD_ROWS);
const count = (v: string | null) => Math.min(500, Math.max(1, Number.parseInt(v ?? "1", 10) || 1));
const json = (v: unknown) => new Response(JSON.stringify(v), { headers: { "content-type": "application/json" } });

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

async function world(): Promise<unknown> {
  const [row] = await sql`select id, randomnumber from world where id = ${randomId()}`;
  return row;
}

async function fortunes(): Promise<Response> {
  const rows: { id: number; message: string }[] = [...(await sql`select id, message from fortune`)];
  rows.push({ id: 0, message: "Additional fortune added at request time." });
  rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  let html = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>";
  for (const r of rows) html += `<tr><td>${r.id}</td><td>${escapeHtml(r.message)}</td></tr>`;
  html += "</table></body></html>";
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

async function updates(n: number): Promise<unknown> {
  return sql.begin(async (tx: any) => {
    const ids = Array.from({ length: n }, randomId).sort((a, b) => a - b);
    const rows = await Promise.all(ids.map((id) => tx`select id, randomnumber from world where id = ${id}`.then((r: any) => r[0])));
    await Promise.all(
      rows.map((row: any) => {
        row.randomnumber = randomId();
        return tx`update world set randomnumber = ${row.randomnumber} where id = ${row.id}`;
      }),
    );
    return rows;
  });
}

async function asyncDb(q: URLSearchParams): Promise<unknown> {
  const min = Number(q.get("min") ?? 10);
  const max = Number(q.get("max") ?? 50);
  const limit = Math.min(100, Number(q.get("limit") ?? 20));
  const rows = await sql`select id, name, category, price, quantity, active, tags from items where price between ${min} and ${max} limit ${limit}`;
  return { items: rows, count: rows.length };
}

async function crud(id: number): Promise<Response> {
  const key = `item:${id}`;
  const cached = await redis.get(key);
  if (cached !== null) return new Response(cached, { headers: { "content-type": "application/json", "x-cache": "HIT" } });
  const [row] = await sql`select id, name, category, price, quantity, active, tags from items where id = ${id}`;
  if (row === undefined) return new Response("not found", { status: 404 });
  const body = JSON.stringify(row);
  await redis.set(key, body, "PX", 200);
  return new Response(body, { headers: { "content-type": "application/json", "x-cache": "MISS" } });
}

export default {
  port: Number(env.PORT ?? 3000),
  async fetch(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const p = url.pathname;
    if (p === "/db") return json(await world());
    if (p === "/queries") return json(await Promise.all(Array.from({ length: count(url.searchParams.get("n")) }, world)));
    if (p === "/updates") return json(await updates(count(url.searchParams.get("n"))));
    if (p === "/fortunes") return fortunes();
    if (p === "/async-db") return json(await asyncDb(url.searchParams));
    if (p.startsWith("/crud/")) return crud(Number(p.slice(6)) || 1);
    return new Response("not found", { status: 404 });
  },
};
