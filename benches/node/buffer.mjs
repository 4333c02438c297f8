// Buffer encode/decode of 1 MiB in base64, base64url and hex: the same file
// runs under node and howth (benches/node/run.sh runs both, same run).
// Prints one line per case: name, MiB/s (median of the rounds).
const MiB = 1 << 20;
const data = Buffer.alloc(MiB);
for (let i = 0; i < MiB; i++) data[i] = (i * 2654435761) >>> 24;
const rounds = Number(process.env.ROUNDS ?? 9);
const perRound = Number(process.env.PER_ROUND ?? 20);

function measure(name, fn) {
  for (let i = 0; i < perRound; i++) fn(); // warm up (JIT, allocator) as much as one round
  const rates = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; i++) fn();
    const ms = performance.now() - t0;
    rates.push((perRound * 1000) / ms);
  }
  rates.sort((a, b) => a - b);
  console.log(`${name}\t${rates[rates.length >> 1].toFixed(0)} MiB/s`);
}

for (const enc of ["base64", "base64url", "hex"]) {
  const text = data.toString(enc);
  if (!Buffer.from(text, enc).equals(data)) throw new Error(`${enc} round trip failed`);
  measure(`${enc} encode 1 MiB`, () => data.toString(enc));
  measure(`${enc} decode 1 MiB`, () => Buffer.from(text, enc));
}
