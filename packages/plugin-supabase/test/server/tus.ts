// TUS 1.0.0 (creation, creation-with-upload, core PATCH/HEAD) as Supabase Storage serves it at
// /storage/v1/upload/resumable: Upload-Metadata carries bucketName, objectName, contentType and
// cacheControl (seconds → `max-age=N`); upload ids are base64url("<bucket>/<object>/<version>");
// errors are Storage's message as text with Storage's status (src/http/routes/tus/lifecycle.ts).
import { createHash, type Hash, randomUUID } from 'node:crypto';
import { appendFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ObjectStore } from './objects.js';
import { ERRORS, isValidKey, StorageHttpError } from './wire.js';

interface TusUpload {
  bucket: string;
  name: string;
  length: number;
  offset: number;
  file: string;
  hash: Hash;
  mimetype: string;
  cacheControl: string;
  upsert: boolean;
}

/** Every chunk the server accepted: which upload, at what offset, how many bytes, by which method. */
export interface TusChunk {
  id: string;
  method: 'POST' | 'PATCH';
  offset: number;
  bytes: number;
}

const MAX_UPLOADS = 64;

export class TusEndpoint {
  readonly chunks: TusChunk[] = [];
  private readonly uploads = new Map<string, TusUpload>();
  private readonly store: ObjectStore;
  private readonly maxObjectBytes: number;

  constructor(store: ObjectStore, maxObjectBytes: number) {
    this.store = store;
    this.maxObjectBytes = maxObjectBytes;
  }

  /** Handle a request under /storage/v1/upload/resumable (`id` is the part after it, if any). */
  async handle(req: IncomingMessage, res: ServerResponse, id: string | undefined, origin: string): Promise<void> {
    res.setHeader('Tus-Resumable', '1.0.0');
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'Tus-Version': '1.0.0',
        'Tus-Extension': 'creation,creation-with-upload',
        'Tus-Max-Size': String(this.maxObjectBytes),
      });
      return void res.end();
    }
    if (req.headers['tus-resumable'] !== '1.0.0') throw new StorageHttpError(412, 'TusError', 'Unsupported version');
    if (!id && req.method === 'POST') return this.create(req, res, origin);
    const upload = id ? this.uploads.get(id) : undefined;
    if (!id || !upload) throw new StorageHttpError(404, 'NoSuchUpload', 'Upload not found');
    if (req.method === 'HEAD') {
      res.writeHead(200, {
        'Upload-Offset': String(upload.offset),
        'Upload-Length': String(upload.length),
        'Cache-Control': 'no-store',
      });
      return void res.end();
    }
    if (req.method !== 'PATCH') throw new StorageHttpError(405, 'TusError', 'Method not allowed');
    if (Number(req.headers['upload-offset']) !== upload.offset)
      throw new StorageHttpError(409, 'TusError', 'Upload-Offset conflict');
    const done = await this.append(req, id, upload, 'PATCH');
    res.writeHead(204, { 'Upload-Offset': String(upload.offset), ...(done ? { 'Tus-Complete': '1' } : {}) });
    res.end();
  }

  private async create(req: IncomingMessage, res: ServerResponse, origin: string): Promise<void> {
    const length = Number(req.headers['upload-length']);
    if (!Number.isInteger(length) || length < 0)
      throw new StorageHttpError(400, 'TusError', 'Upload-Length or Upload-Defer-Length header required');
    if (length > this.maxObjectBytes) throw ERRORS.entityTooLarge();
    const meta = parseMetadata(req.headers['upload-metadata']);
    if (!meta.bucketName || !meta.objectName) throw new StorageHttpError(400, 'InvalidRequest', 'Metadata header is required');
    if (!isValidKey(meta.objectName)) throw ERRORS.invalidKey(meta.objectName);
    const upsert = req.headers['x-upsert'] === 'true';
    if (this.store.bucket(meta.bucketName).has(meta.objectName) && !upsert) throw ERRORS.keyAlreadyExists();
    if (this.uploads.size >= MAX_UPLOADS) throw new StorageHttpError(429, 'SlowDown', 'Too many uploads in progress');
    const id = Buffer.from(`${meta.bucketName}/${meta.objectName}/${randomUUID()}`).toString('base64url');
    const upload: TusUpload = {
      bucket: meta.bucketName,
      name: meta.objectName,
      length,
      offset: 0,
      file: this.store.tempFile(),
      hash: createHash('md5'),
      mimetype: meta.contentType || 'application/octet-stream',
      cacheControl: /^-?\d+$/.test(meta.cacheControl ?? '') ? `max-age=${meta.cacheControl}` : 'no-cache',
      upsert,
    };
    await appendFile(upload.file, '');
    this.uploads.set(id, upload);
    const withData = req.headers['content-type'] === 'application/offset+octet-stream';
    const done = withData ? await this.append(req, id, upload, 'POST') : length === 0 && (await this.finish(id, upload));
    res.writeHead(201, {
      Location: `${origin}/storage/v1/upload/resumable/${id}`,
      ...(withData ? { 'Upload-Offset': String(upload.offset) } : {}),
      ...(done ? { 'Tus-Complete': '1' } : {}),
    });
    res.end();
  }

  /** Take one chunk whole or not at all (a dropped request leaves the offset where it was). */
  private async append(req: IncomingMessage, id: string, upload: TusUpload, method: TusChunk['method']): Promise<boolean> {
    if (method === 'PATCH' && req.headers['content-type'] !== 'application/offset+octet-stream') {
      throw new StorageHttpError(415, 'TusError', 'Unsupported Media Type');
    }
    const room = upload.length - upload.offset;
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > room) throw new StorageHttpError(413, 'TusError', 'Upload-Length exceeded');
      parts.push(chunk);
    }
    const data = Buffer.concat(parts);
    await appendFile(upload.file, data);
    upload.hash.update(data);
    this.chunks.push({ id, method, offset: upload.offset, bytes: size });
    upload.offset += size;
    return upload.offset === upload.length && this.finish(id, upload);
  }

  private async finish(id: string, upload: TusUpload): Promise<true> {
    this.uploads.delete(id);
    const got = { file: upload.file, size: upload.length, md5: upload.hash.digest('hex') };
    await this.store.commit(upload.bucket, upload.name, got, { ...upload, uploadType: 'resumable' });
    return true;
  }

  /** Forget unfinished uploads and their bytes (server shutdown). */
  async clear(): Promise<void> {
    for (const upload of this.uploads.values()) await rm(upload.file, { force: true });
    this.uploads.clear();
  }
}

/** `Upload-Metadata: key base64,key base64` → { key: value }. */
function parseMetadata(header: string | string[] | undefined): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (const pair of String(header ?? '').split(',')) {
    const [key, value] = pair.trim().split(' ');
    if (key) out[key] = value ? Buffer.from(value, 'base64').toString('utf8') : '';
  }
  return out;
}
