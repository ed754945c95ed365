/**
 * The plans a user can be on. Config, not data: prices live in LemonSqueezy, and each paid plan names
 * the LemonSqueezy variant that sells it (LEMONSQUEEZY_VARIANT_PRO / _TEAM). Read by createDemo (quota),
 * the review (video length), the merge (watermark), the retention sweep and the billing page.
 */
export interface Plan {
  id: PlanId;
  /** Shown on the billing page. */
  name: string;
  /** Demos per billing period (a calendar month on free). */
  demosPerPeriod: number;
  /** Longest video a run may make, in seconds. */
  maxVideoSeconds: number;
  /** Days a finished video's files are kept; null = as long as the account exists. */
  retentionDays: number | null;
  /** A small corner mark on the video (plugin-ffmpeg's `watermark` option). */
  watermark: boolean;
}

export const PLAN_IDS = ['free', 'pro', 'team'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export const PLANS: Record<PlanId, Plan> = {
  free: { id: 'free', name: 'Free', demosPerPeriod: 3, maxVideoSeconds: 120, retentionDays: 7, watermark: true },
  pro: { id: 'pro', name: 'Pro', demosPerPeriod: 30, maxVideoSeconds: 600, retentionDays: 90, watermark: false },
  team: { id: 'team', name: 'Team', demosPerPeriod: 200, maxVideoSeconds: 1800, retentionDays: null, watermark: false },
};

/** The plan of a stored id; an unknown id (a plan removed from config) is treated as free. */
export function planOf(id: string | null | undefined): Plan {
  return PLANS[(PLAN_IDS as readonly string[]).includes(id ?? '') ? (id as PlanId) : 'free'];
}

/** Days before expiry at which the dashboard warns. */
export const EXPIRY_WARNING_DAYS = 3;
