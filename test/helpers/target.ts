// A real HTTP target on 127.0.0.1 (port 0) that records every request it receives.
export interface Hit {
  at: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Target {
  url: string;
  hits: Hit[];
  /** Waits until `n` hits have arrived (or throws after timeoutMs). */
  waitFor(n: number, timeoutMs?: number, pred?: (h: Hit) => boolean): Promise<Hit[]>;
  stop(): void;
}

export function startTarget(
  respond: (req: Request, hit: Hit) => Response | Promise<Response> = () => new Response("ok"),
): Target {
  const hits: Hit[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const hit: Hit = {
        at: Date.now(),
        method: req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers.entries()),
        body: await req.text(),
      };
      hits.push(hit);
      return respond(req, hit);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    hits,
    async waitFor(n, timeoutMs = 5000, pred = () => true) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const got = hits.filter(pred);
        if (got.length >= n) return got;
        if (Date.now() > deadline) throw new Error(`target saw ${got.length} matching hits, wanted ${n}`);
        await Bun.sleep(10);
      }
    },
    stop: () => void server.stop(true),
  };
}
