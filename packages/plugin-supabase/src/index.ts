/**
 * @showrunner/plugin-supabase: Supabase Storage for Showrunner. `supabaseStorage()` is the `storage`
 * stage (publish the finished video, captions and poster, with signed or public URLs);
 * `supabaseFiles()` is the RunFiles that lets workers on different machines share run folders.
 */
import { supabaseStorage } from './stage.js';

export { contentTypeOf } from './content-type.js';
export { type SupabaseRunFiles, supabaseFiles } from './files.js';
export { objectKey } from './keys.js';
export {
  type Credentials,
  DEFAULT_RESUMABLE_THRESHOLD,
  type OwnerFn,
  PLUGIN_NAME,
  type SupabaseFilesOptions,
  type SupabaseStorageOptions,
  TUS_CHUNK_BYTES,
} from './options.js';
export { supabaseStorage };
export default supabaseStorage;
