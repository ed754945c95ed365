import path from 'node:path';
import { ShowrunnerError } from '../errors.js';
import type { StageContext } from '../plugin.js';
import { safeJoin } from '../policy/paths.js';
import type { StageName } from '../types.js';
import type { RunScope } from './scope.js';

/**
 * Build the context a stage plugin's `run` receives for one attempt. `dir` is the attempt's own
 * folder (`<runDir>/<stage>/<attempt>/`); everything the plugin writes goes there.
 */
export function createContext(scope: RunScope, stage: StageName, plugin: string, dir: string): StageContext {
  const { runId } = scope;
  const runDir = scope.ref.dir;
  return {
    runId,
    stage,
    runDir,
    dir,
    root: scope.config.root,
    cacheDir: scope.config.cacheDir,
    signal: scope.signal,
    log: scope.logger(plugin, stage),
    policy: scope.policy,
    emit: async (name, event) => scope.emit(name, { ...event, runId, stage } as never),
    resolve: (runPath) => safeJoin(runDir, runPath),
    async artifact(file, kind) {
      const absolute = path.resolve(dir, file);
      if (absolute !== dir && !absolute.startsWith(dir + path.sep)) {
        throw new ShowrunnerError('SR_PATH_OUTSIDE', `${plugin} wrote ${file} outside its folder ${dir}.`, { stage, plugin });
      }
      const rel = path.relative(runDir, absolute).split(path.sep).join('/');
      scope.emit('onArtifact', { runId, stage, path: rel, kind });
      return rel;
    },
  };
}
