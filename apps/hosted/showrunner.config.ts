import { defineConfig, localStore, UNTRUSTED_DECISION_TIMEOUT_MS, voicesByLanguage } from '@showrunner/core';
import espeak from '@showrunner/plugin-espeak';
import kokoro, { kokoroWeightsAvailable } from '@showrunner/plugin-kokoro';
import openrouter from '@showrunner/plugin-openrouter';
import playwright from '@showrunner/plugin-playwright';
import { supabaseFiles, supabaseStorage } from '@showrunner/plugin-supabase';
import { dataDirs, env } from './src/env';
import { planMerge } from './src/pipeline/plan-merge';

// The hosted pipeline: what every worker (`npm run worker`) records with, and what the web app plans
// a single card with. Demos come from strangers, so every untrusted-input guard is on: http(s) URLs
// only, the network guard on the recorder and the planner's snapshot (private addresses refused
// after DNS, except SHOWRUNNER_NETWORK_ALLOW), same-site navigation, popups closed, no secrets, a
// decision deadline. Everything else follows the environment (src/env.ts):
//   planner   a language model when OPENROUTER_API_KEY is set (OPENROUTER_BASE_URL/OPENROUTER_MODEL
//             point it at any OpenAI-compatible server), else the offline script parser;
//   voice     Kokoro for English when its weights are already on this machine (never downloaded here),
//             eSpeak NG for every other language (and for English without the weights);
//   merge     plugin-ffmpeg under the run owner's plan: the watermark on free videos, maxVideoSeconds enforced;
//   videos    Supabase Storage (and run files through it, for workers on several machines) when
//             SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are set, else HOSTED_DATA_DIR/videos, one folder per run.
export default defineConfig(async () => {
  const e = env();
  const dirs = dataDirs();
  const supabase = Boolean(e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY);
  const credentials = { url: e.SUPABASE_URL, serviceKey: e.SUPABASE_SERVICE_ROLE_KEY };
  const planner = e.OPENROUTER_API_KEY
    ? openrouter({
        apiKey: e.OPENROUTER_API_KEY,
        ...(e.OPENROUTER_BASE_URL ? { baseURL: e.OPENROUTER_BASE_URL } : {}),
        ...(e.OPENROUTER_MODEL ? { model: e.OPENROUTER_MODEL } : {}),
      })
    : undefined;
  return {
    runsDir: dirs.runs,
    cacheDir: dirs.cache,
    parse: planner,
    tts: (await kokoroWeightsAvailable()) ? voicesByLanguage({ en: kokoro({ allowDownload: false }), '*': espeak() }) : espeak(),
    record: playwright({ headless: true }),
    merge: planMerge(),
    storage: supabase
      ? supabaseStorage({ ...credentials, bucket: e.SUPABASE_BUCKET, owner: 'demos' })
      : localStore({ dir: dirs.videos, perRun: true }),
    files: supabase ? supabaseFiles({ ...credentials, bucket: e.SUPABASE_BUCKET, prefix: 'runs' }) : undefined,
    trust: 'untrusted' as const,
    network: e.SHOWRUNNER_NETWORK_ALLOW.length ? { allow: e.SHOWRUNNER_NETWORK_ALLOW } : undefined,
    navigation: 'same-site' as const,
    popups: 'close' as const,
    secrets: [],
    decisionTimeoutMs: UNTRUSTED_DECISION_TIMEOUT_MS,
    onFail: 'abort' as const,
  };
});
