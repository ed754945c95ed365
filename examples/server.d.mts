/** A running sample-app server. */
export interface ExampleServer {
  /** Base URL, e.g. `http://127.0.0.1:43117/` (always ends in "/"). */
  url: string;
  close(): Promise<void>;
}
/** Serve examples/app on 127.0.0.1; `port` 0 (the default) picks a free port. */
export function startExampleServer(options?: { port?: number }): Promise<ExampleServer>;
