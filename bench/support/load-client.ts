/**
 * A small keep-alive HTTP load client: `concurrency` workers send pre-built requests over one node:http Agent
 * until `count` are sent or `maxMs` has passed; reports throughput and latency percentiles.
 */
import http from 'node:http';

export interface PreparedRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface LoadResult {
  readonly sent: number;
  readonly ok: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export async function runLoad(opts: { port: number; concurrency: number; count: number; maxMs: number; request: (i: number) => PreparedRequest }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const latencies: number[] = [];
  let next = 0;
  let ok = 0;
  const started = performance.now();
  const deadline = started + opts.maxMs;
  const one = (r: PreparedRequest) => new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: opts.port, method: 'POST', path: r.path, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) }, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(r.body);
  });
  const worker = async () => {
    while (next < opts.count && performance.now() < deadline) {
      const r = opts.request(next++);
      const t0 = performance.now();
      const status = await one(r);
      latencies.push(performance.now() - t0);
      if (status >= 200 && status < 300) ok++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { sent: latencies.length, ok, perSecond: (latencies.length / elapsed) * 1000, p50Ms: pct(0.5), p99Ms: pct(0.99) };
}
