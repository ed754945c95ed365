'use client';

import { useRouter } from 'next/navigation';
import { cloneElement, type FormEvent, type ReactElement, useEffect, useState } from 'react';
import type { DemoView } from '@/src/pipeline/types';
import { ApiError, apiFetch } from '../api-client';
import { UpgradeButton } from '../billing/UpgradeButton';
import { LANGUAGES } from './languages';
import styles from './NewDemoForm.module.css';

/**
 * The dashboard's form: URL, description and language. Creating a demo takes a credit and opens
 * its page, where the plan appears live. With no credit left the demo is still planned for review;
 * its recording waits for payment (the notice says so and offers the upgrade). Field errors from the
 * API are shown under their field.
 */
export function NewDemoForm({ credits }: { credits: number }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  // The form posts JSON from script: until the page is interactive the button stays disabled, so an
  // early click (or Enter) never submits the fields as a plain GET into the address bar.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const demo = await apiFetch<DemoView>('/api/demos', {
        method: 'POST',
        body: { url: form.get('url'), description: form.get('description'), language: form.get('language') },
      });
      router.push(`/demo/${demo.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, { message: String(err) }));
      setBusy(false);
    }
  }

  const fieldError = (name: string) => (error?.field === name ? error.message : undefined);
  const general = error && !['url', 'description', 'language'].includes(error.field ?? '') ? error : undefined;
  const none = credits <= 0;

  return (
    <form className={`panel stack ${styles.form}`} onSubmit={submit} aria-labelledby="new-demo-title" noValidate>
      <div className={styles.head}>
        <h2 id="new-demo-title">New demo</h2>
        <span className={styles.credits} data-testid="credits">
          {credits} {credits === 1 ? 'credit' : 'credits'} left
        </span>
      </div>
      <Field name="url" label="Web address" error={fieldError('url')} hint="The page the video starts on.">
        <input type="url" inputMode="url" placeholder="https://app.example.com" required />
      </Field>
      <Field
        name="description"
        label="What should the video show?"
        error={fieldError('description')}
        hint="A sentence or a few: who signs in, what they click, what they should notice."
      >
        <textarea rows={4} maxLength={4000} required />
      </Field>
      <Field name="language" label="Narration language" error={fieldError('language')}>
        <select defaultValue="en">
          {LANGUAGES.map(([tag, name]) => (
            <option key={tag} value={tag}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      {none && (
        <div className={`notice stack ${styles.noCredits}`} data-testid="no-credits">
          <p>
            No credits left on your plan. A new demo is planned for you to review now; it records by itself once your plan is
            upgraded.
          </p>
          <UpgradeButton plan="pro" />
        </div>
      )}
      {general && (
        <p className="notice notice-error" role="alert">
          {general.message}
        </p>
      )}
      <button type="submit" className={`btn btn-primary ${styles.submit}`} disabled={busy || !ready}>
        {busy ? 'Creating…' : none ? 'Create demo (review now, record after payment)' : 'Create demo'}
      </button>
    </form>
  );
}

function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const describedBy = [hint && `${name}-hint`, error && `${name}-error`].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id: name,
    name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  });
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {control}
      {hint && (
        <span id={`${name}-hint`} className="hint">
          {hint}
        </span>
      )}
      {error && (
        <p id={`${name}-error`} className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
