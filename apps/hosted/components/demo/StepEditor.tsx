'use client';

import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import type { Step } from '@showrunner/core';
import { useEffect, useRef, useState } from 'react';
import type { DemoView } from '@/src/pipeline/types';
import { ApiError, apiFetch } from '../api-client';
import { blankStep, type CardError, cardOfError, move, replaceAt } from './cards';
import { StepCard } from './StepCard';
import styles from './StepEditor.module.css';

/**
 * The review: the plan's step cards to edit, reorder (drag, keyboard, or the move buttons), add,
 * delete and re-plan, then save and confirm. Cards change locally until saved; while they have
 * unsaved changes, a newer plan from the server does not overwrite them. `needsPayment`: the demo
 * holds no credit, so confirming makes it wait for payment (the button says so).
 */
export function StepEditor({
  demoId,
  steps,
  needsPayment,
  onView,
}: {
  demoId: string;
  steps: Step[];
  needsPayment?: boolean;
  onView: (view: DemoView) => void;
}) {
  const [cards, setCards] = useState<Step[]>(steps);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Map<string, CardError>>(new Map());
  const [general, setGeneral] = useState<string | undefined>();
  const [busy, setBusy] = useState<'save' | 'confirm' | undefined>();
  const [fresh, setFresh] = useState<string | undefined>();
  const [announcement, setAnnouncement] = useState('');
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (!dirty) setCards(steps);
  }, [steps, dirty]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const position = (id: string | number) => cards.findIndex((s) => s.id === id) + 1;
  // What a screen reader hears while a card is dragged with the keyboard (dnd-kit's live region).
  const announcements: Announcements = {
    onDragStart: ({ active }) => `Picked up step ${position(active.id)}.`,
    onDragOver: ({ active, over }) => (over ? `Step ${position(active.id)} is over position ${position(over.id)}.` : ''),
    onDragEnd: ({ active, over }) =>
      over ? `Step ${position(active.id)} dropped at position ${position(over.id)}.` : 'Dropped.',
    onDragCancel: ({ active }) => `Moving step ${position(active.id)} was cancelled.`,
  };

  function edit(next: Step[], touched?: string) {
    setCards(next);
    setDirty(true);
    setGeneral(undefined);
    if (touched && errors.has(touched)) {
      const rest = new Map(errors);
      rest.delete(touched);
      setErrors(rest);
    }
  }

  function moveCard(from: number, to: number, focusId?: string) {
    if (to < 0 || to >= cards.length) return;
    edit(move(cards, from, to));
    setAnnouncement(`Step ${from + 1} moved to position ${to + 1}.`);
    // Keep the keyboard where it was: on the same button of the moved card.
    if (focusId) requestAnimationFrame(() => focusMoveButton(list.current, focusId, to > from ? 'down' : 'up'));
  }

  function onDragEnd({ active, over }: DragEndEvent) {
    if (!over || active.id === over.id) return;
    const from = cards.findIndex((s) => s.id === active.id);
    const to = cards.findIndex((s) => s.id === over.id);
    if (from >= 0 && to >= 0) edit(move(cards, from, to));
  }

  function showError(err: unknown) {
    if (!(err instanceof ApiError)) {
      setGeneral(String(err));
      return;
    }
    const placed = cardOfError(err);
    const card = placed && cards[placed.index];
    if (placed && card) {
      setErrors(new Map([[card.id, placed.error]]));
      requestAnimationFrame(() =>
        list.current?.querySelector<HTMLElement>(`[data-step-id="${card.id}"]`)?.scrollIntoView({ block: 'center' }),
      );
    } else setGeneral(err.message);
  }

  async function save(): Promise<boolean> {
    setBusy('save');
    setErrors(new Map());
    setGeneral(undefined);
    try {
      const view = await apiFetch<DemoView>(`/api/demos/${demoId}/steps`, { method: 'PUT', body: { steps: cards } });
      setDirty(false);
      setCards(view.steps);
      onView(view);
      return true;
    } catch (err) {
      showError(err);
      return false;
    } finally {
      setBusy(undefined);
    }
  }

  async function confirm() {
    if (dirty && !(await save())) return;
    setBusy('confirm');
    try {
      onView(await apiFetch<DemoView>(`/api/demos/${demoId}/confirm`, { method: 'POST' }));
    } catch (err) {
      showError(err);
    } finally {
      setBusy(undefined);
    }
  }

  async function replan(index: number, sentence: string) {
    try {
      const { steps: planned } = await apiFetch<{ steps: Step[] }>(`/api/demos/${demoId}/steps/plan`, {
        method: 'POST',
        body: { index, sentence },
      });
      edit(replaceAt(cards, index, planned), cards[index]?.id);
      setAnnouncement(`Step ${index + 1} re-planned.`);
    } catch (err) {
      throw new Error(err instanceof ApiError ? err.message : String(err));
    }
  }

  function add() {
    const step = blankStep(cards.map((s) => s.id));
    edit([...cards, step]);
    setFresh(step.id);
    requestAnimationFrame(() =>
      list.current?.querySelector<HTMLElement>(`[data-step-id="${step.id}"] input[id$="-sentence"]`)?.focus(),
    );
  }

  return (
    <section className={styles.editor} aria-labelledby="cards-title" data-testid="step-editor">
      <div className={styles.head}>
        <h2 id="cards-title">Step cards</h2>
        <p className="muted">
          {cards.length} {cards.length === 1 ? 'step' : 'steps'}
          {dirty && <span className={styles.unsaved}> · unsaved changes</span>}
        </p>
      </div>
      <p className="visually-hidden" aria-live="assertive">
        {announcement}
      </p>
      {general && (
        <p className="notice notice-error" role="alert" data-testid="editor-error">
          {general}
        </p>
      )}
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd} accessibility={{ announcements }}>
        <SortableContext items={cards.map((s) => s.id)} strategy={verticalListSortingStrategy}>
          <ol className={styles.list} ref={list}>
            {cards.map((step, index) => (
              <StepCard
                key={step.id}
                step={step}
                index={index}
                count={cards.length}
                error={errors.get(step.id)}
                startReplanning={step.id === fresh}
                disabled={busy !== undefined}
                onChange={(next) =>
                  edit(
                    cards.map((s, i) => (i === index ? next : s)),
                    step.id,
                  )
                }
                onMove={(to) => moveCard(index, to, step.id)}
                onRemove={() => {
                  edit(
                    cards.filter((_, i) => i !== index),
                    step.id,
                  );
                  setAnnouncement(`Step ${index + 1} deleted.`);
                }}
                onReplan={(sentence) => replan(index, sentence)}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      {cards.length === 0 && <p className="notice">No steps left. Add one, or re-plan the demo from its description.</p>}
      <div className={styles.actions}>
        <button type="button" className="btn" onClick={add} disabled={busy !== undefined}>
          + Add step
        </button>
        <span className={styles.spacer} />
        <button type="button" className="btn" onClick={save} disabled={!dirty || busy !== undefined}>
          {busy === 'save' ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="btn btn-primary" onClick={confirm} disabled={busy !== undefined || cards.length === 0}>
          {busy === 'confirm' ? 'Starting…' : needsPayment ? 'Confirm (records after payment)' : 'Confirm and record'}
        </button>
      </div>
    </section>
  );
}

/** After a move, focus the moved card's button in the same direction (the other one at an edge). */
function focusMoveButton(list: HTMLElement | null, stepId: string, direction: 'up' | 'down') {
  const buttons = [
    ...(list?.querySelectorAll<HTMLButtonElement>(`[data-step-id="${stepId}"] button[aria-label^="Move step"]`) ?? []),
  ];
  const same = buttons.find((b) => b.getAttribute('aria-label')?.endsWith(direction) && !b.disabled);
  (same ?? buttons.find((b) => !b.disabled))?.focus();
}
