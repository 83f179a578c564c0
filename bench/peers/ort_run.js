// Peer for bench/run: ONNX Runtime (npm onnxruntime-node, CPU) running the
// ml5 network exported by ml5_eager.py --export-onnx.
//   node ort_run.js MODEL.onnx WxH REPEAT THREADS
// prints one JSON line per timed repetition, after one warm-up run.
const ort = require('onnxruntime-node');

async function main() {
  const [model, size = '1000x1000', repeat = '3', threads = '2'] = process.argv.slice(2);
  const [w, h] = size.split('x').map(Number);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: Number(threads), interOpNumThreads: 1, graphOptimizationLevel: 'all',
  });
  const data = new Float32Array(3 * w * h);
  let seed = 1;
  for (let i = 0; i < data.length; ++i) { seed = (seed * 1103515245 + 12345) % 2147483648; data[i] = seed / 2147483648; }
  const feeds = { image: new ort.Tensor('float32', data, [1, 3, h, w]) };
  await session.run(feeds);
  for (let r = 0; r < Number(repeat); ++r) {
    const start = process.hrtime.bigint();
    await session.run(feeds);
    console.log(JSON.stringify({ seconds: Number(process.hrtime.bigint() - start) / 1e9 }));
  }
}
main().catch((e) => { console.error(String(e)); process.exit(1); });
