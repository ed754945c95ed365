// The fake server's objects: bytes in files named by uuid under a temp folder (so no object name ever
// becomes a path), metadata in memory, byte totals bounded.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ERRORS } from './wire.js';

/** One stored object, with the metadata Storage keeps in `storage.objects.metadata`. */
export interface StoredObject {
  id: string;
  bucket: string;
  name: string;
  size: number;
  mimetype: string;
  cacheControl: string;
  eTag: string;
  createdAt: Date;
  updatedAt: Date;
  /** Where the bytes are. */
  file: string;
  /** How it came: one request or resumable. */
  uploadType: 'standard' | 'resumable';
}

/** Bytes received but not yet an object. */
export interface Received {
  file: string;
  size: number;
  md5: string;
}

export class ObjectStore {
  readonly buckets: Map<string, { public: boolean }>;
  private readonly objects = new Map<string, Map<string, StoredObject>>();
  private total = 0;
  private readonly dir: string;
  private readonly limits: { maxObjectBytes: number; maxTotalBytes: number };

  constructor(
    root: string,
    buckets: Record<string, { public: boolean }>,
    limits: { maxObjectBytes: number; maxTotalBytes: number },
  ) {
    this.dir = root;
    this.limits = limits;
    this.buckets = new Map(Object.entries(buckets));
    for (const name of this.buckets.keys()) this.objects.set(name, new Map());
  }

  bucket(name: string): Map<string, StoredObject> {
    const objects = this.objects.get(name);
    if (!objects) throw ERRORS.noSuchBucket();
    return objects;
  }

  /** A new temp file for bytes on their way in. */
  tempFile(): string {
    return path.join(this.dir, randomUUID());
  }

  /** Stream `body` to a temp file, refusing more than the object limit (or `expected` bytes). */
  async receive(body: Readable, expected?: number): Promise<Received> {
    const file = this.tempFile();
    const hash = createHash('md5');
    let size = 0;
    const limit = Math.min(this.limits.maxObjectBytes, expected ?? Number.POSITIVE_INFINITY);
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > limit) throw ERRORS.entityTooLarge();
            hash.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(file),
      );
    } catch (err) {
      await rm(file, { force: true });
      throw err;
    }
    return { file, size, md5: hash.digest('hex') };
  }

  /** Make received bytes the object `name` (replacing it when `upsert`; else KeyAlreadyExists). */
  async commit(
    bucket: string,
    name: string,
    got: Received,
    meta: { mimetype: string; cacheControl: string; upsert: boolean; uploadType: StoredObject['uploadType'] },
  ): Promise<StoredObject> {
    const objects = this.bucket(bucket);
    const old = objects.get(name);
    if (old && !meta.upsert) {
      await rm(got.file, { force: true });
      throw ERRORS.keyAlreadyExists();
    }
    if (this.total - (old?.size ?? 0) + got.size > this.limits.maxTotalBytes) {
      await rm(got.file, { force: true });
      throw ERRORS.entityTooLarge();
    }
    const now = new Date();
    const object: StoredObject = {
      id: old?.id ?? randomUUID(),
      bucket,
      name,
      size: got.size,
      mimetype: meta.mimetype,
      cacheControl: meta.cacheControl,
      eTag: `"${got.md5}"`,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
      file: got.file,
      uploadType: meta.uploadType,
    };
    objects.set(name, object);
    this.total += got.size - (old?.size ?? 0);
    if (old) await rm(old.file, { force: true }); // an open read stream keeps its bytes until it ends
    return object;
  }

  find(bucket: string, name: string): StoredObject {
    const found = this.bucket(bucket).get(name);
    if (!found) throw ERRORS.noSuchKey();
    return found;
  }

  /** Delete exactly these names (Storage's `prefixes` are object names); returns what was deleted. */
  async remove(bucket: string, names: string[]): Promise<StoredObject[]> {
    const objects = this.bucket(bucket);
    const gone: StoredObject[] = [];
    for (const name of names) {
      const found = objects.get(name);
      if (!found) continue;
      objects.delete(name);
      this.total -= found.size;
      gone.push(found);
      await rm(found.file, { force: true });
    }
    return gone;
  }

  /**
   * Storage's `search`: the entries one level below `prefix` (treated as a folder), folders as entries
   * with null id and metadata, filtered by `search` (a name prefix), sorted, then offset and limit.
   */
  list(bucket: string, prefix: string, opts: { limit: number; offset: number; column: string; order: string; search: string }) {
    const folder = prefix && !prefix.endsWith('/') ? `${prefix}/` : prefix;
    const entries = new Map<string, ReturnType<typeof listEntry> | ReturnType<typeof folderEntry>>();
    for (const object of this.bucket(bucket).values()) {
      if (!object.name.startsWith(folder)) continue;
      const rest = object.name.slice(folder.length);
      const slash = rest.indexOf('/');
      const name = slash === -1 ? rest : rest.slice(0, slash);
      if (!name.toLowerCase().startsWith(opts.search.toLowerCase())) continue;
      if (slash === -1) entries.set(name, listEntry(object, name));
      else if (!entries.has(name)) entries.set(name, folderEntry(name));
    }
    const key = (e: { name: string; [k: string]: unknown }) => String(opts.column === 'name' ? e.name : (e[opts.column] ?? ''));
    const sorted = [...entries.values()].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (opts.order === 'desc') sorted.reverse();
    return sorted.slice(opts.offset, opts.offset + opts.limit);
  }
}

/** An object as Storage's objectSchema renders it (list, delete). */
export function listEntry(o: StoredObject, name = o.name) {
  return {
    name,
    bucket_id: o.bucket,
    id: o.id,
    updated_at: o.updatedAt.toISOString(),
    created_at: o.createdAt.toISOString(),
    last_accessed_at: o.updatedAt.toISOString(),
    metadata: {
      eTag: o.eTag,
      size: o.size,
      mimetype: o.mimetype,
      cacheControl: o.cacheControl,
      lastModified: o.updatedAt.toISOString(),
      contentLength: o.size,
      httpStatusCode: 200,
    },
  };
}

function folderEntry(name: string) {
  return { name, id: null, updated_at: null, created_at: null, last_accessed_at: null, metadata: null };
}
