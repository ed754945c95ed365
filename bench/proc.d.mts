/** Peak memory of a process tree in bytes: summed PSS and summed RSS. */
export interface MemoryPeak {
  rss: number;
  pss: number;
}
/** Start sampling the tree under `pid` (default: this process) every 100 ms; `stop()` returns the peaks. */
export function sampleMemory(pid?: number): { stop(): MemoryPeak };
