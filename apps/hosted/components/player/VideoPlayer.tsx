'use client';

import { useEffect, useRef, useState } from 'react';
import type { VideoFiles } from '@/src/pipeline/types';
import { clock } from '../format';
import styles from './VideoPlayer.module.css';
import { type Cue, parseVtt } from './vtt';

/**
 * The finished video: native controls, poster, the captions track (on by default) and the chapters
 * track, plus a chapter list whose buttons seek. Used by the demo page and the public share page.
 */
export function VideoPlayer({ files, title, language = 'en' }: { files: VideoFiles; title: string; language?: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [chapters, setChapters] = useState<Cue[] | undefined>();
  const [chapterError, setChapterError] = useState(false);
  const [now, setNow] = useState(0);
  // Files from another origin (signed storage URLs) need CORS for the text tracks to load.
  const crossOrigin = /^https?:\/\//.test(files.video) ? 'anonymous' : undefined;

  useEffect(() => {
    if (!files.chapters) return;
    const controller = new AbortController();
    fetch(files.chapters, { signal: controller.signal })
      .then((res) => (res.ok ? res.text() : Promise.reject(new Error(String(res.status)))))
      .then((text) => setChapters(parseVtt(text)))
      .catch((err) => {
        if ((err as Error).name !== 'AbortError') setChapterError(true);
      });
    return () => controller.abort();
  }, [files.chapters]);

  function seek(cue: Cue) {
    const el = video.current;
    if (!el) return;
    el.currentTime = cue.start;
    void el.play().catch(() => {});
  }

  const current = chapters?.findLast((c) => now >= c.start);

  return (
    <div className={styles.player}>
      {/* biome-ignore lint/a11y/useMediaCaption: the captions track is added below when the run made one */}
      <video
        ref={video}
        className={styles.video}
        controls
        preload="metadata"
        poster={files.poster}
        crossOrigin={crossOrigin}
        onTimeUpdate={(e) => setNow(e.currentTarget.currentTime)}
        data-testid="video"
        aria-label={title}
      >
        <source src={files.video} type="video/mp4" />
        {files.captions && <track kind="captions" src={files.captions} srcLang={language} label="Captions" default />}
        {files.chapters && <track kind="chapters" src={files.chapters} srcLang={language} label="Chapters" />}
        Your browser cannot play this video. <a href={files.video}>Download it</a> instead.
      </video>
      {chapters && chapters.length > 0 && (
        <nav className={styles.chapters} aria-label="Chapters">
          <h3 className={styles.chaptersTitle}>Chapters</h3>
          <ol data-testid="chapters">
            {chapters.map((cue) => (
              <li key={`${cue.start}-${cue.text}`}>
                <button
                  type="button"
                  className={`${styles.chapter} ${cue === current ? styles.current : ''}`}
                  onClick={() => seek(cue)}
                  aria-current={cue === current ? 'true' : undefined}
                >
                  <span className={styles.time}>{clock(cue.start * 1000)}</span>
                  <span>{cue.text || 'Untitled'}</span>
                </button>
              </li>
            ))}
          </ol>
        </nav>
      )}
      {chapterError && <p className="hint">The chapter list could not be loaded; the video still plays.</p>}
    </div>
  );
}
