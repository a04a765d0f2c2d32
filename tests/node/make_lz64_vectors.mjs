// Writes src/server/testdata/lz64_vectors.json: texts and their LZ-string compressToBase64 form,
// made by the npm lz-string package (the reference implementation the SDKs bundle), for the
// decompressor's unit test. Run: node tests/node/make_lz64_vectors.mjs > src/server/testdata/lz64_vectors.json
import LZString from 'lz-string';

// A fixed pseudo-random sequence, so the file is the same on every run.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};

const texts = [
  'a',
  'ab',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  'abababababababababababababababab',
  'hello world',
  JSON.stringify({ api_key: 'phc_x', batch: [{ event: '$pageview', distinct_id: 'u1', properties: { $current_url: 'https://example.com/?q=1&r=2', n: 1 } }] }),
  'héllo wörld ✓ 日本語 😀 𝄞',
  '\u0000\u0001\u00ff\u0100\uffff',
  'x'.repeat(5000) + 'y'.repeat(5000),
];
// Random BMP text (no surrogates) and ASCII-heavy JSON of growing size.
for (const size of [10, 100, 1000, 4000]) {
  let s = '';
  for (let i = 0; i < size; i++) {
    let u = Math.floor(rand() * 0x10000);
    if (u >= 0xd800 && u <= 0xdfff) u = 0x41;
    s += String.fromCharCode(u);
  }
  texts.push(s);
}
{
  const events = [];
  for (let i = 0; i < 300; i++) {
    events.push({ event: `e${i % 7}`, distinct_id: `user-${Math.floor(rand() * 50)}`, properties: { n: i, f: rand(), s: 'ü'.repeat(i % 5) } });
  }
  texts.push(JSON.stringify({ batch: events }));
}

const vectors = texts.map((text) => ({
  utf8_base64: Buffer.from(text, 'utf8').toString('base64'),
  lz64: LZString.compressToBase64(text),
}));
// A lone surrogate decodes to U+FFFD.
vectors.push({
  utf8_base64: Buffer.from('a\ufffdb', 'utf8').toString('base64'),
  lz64: LZString.compressToBase64('a\ud800b'),
});
process.stdout.write(JSON.stringify({ generator: 'lz-string@1.5.0 compressToBase64', vectors }, null, 1) + '\n');
