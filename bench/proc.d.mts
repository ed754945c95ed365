/** Peak memory of a process tree in bytes: summed PSS and summed RSS. */
export interface MemoryPeak {
  rss: number;
  pss: number;
}
/** Start sampling the tree under `pid` (default: this process) every `everyMs` (default 100); `stop()` returns the peaks. */
export function sampleMemory(pid?: number, everyMs?: number): { stop(): MemoryPeak };
