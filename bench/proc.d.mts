/** Peak memory of a process tree in bytes: summed PSS and summed RSS, and the browser + ffmpeg group's with its CPU use. */
export interface MemoryPeak {
  rss: number;
  pss: number;
  /** Chromium and ffmpeg processes: peak memory in bytes, CPU in cores (peak over 1 s windows, mean while they ran). */
  group: { rss: number; pss: number; cpuPeak: number; cpuMean: number };
}
/** Start sampling the tree under `pid` (default: this process) every `everyMs` (default 100); `stop()` returns the peaks. */
export function sampleMemory(pid?: number, everyMs?: number, group?: RegExp): { stop(): MemoryPeak };
