/**
 * Day ranges the user types in the editor, from where the engine enforces them, so the input
 * boxes and the engine cannot disagree.
 */
import { shape } from './model/shapes';

const rotationType = shape('RotationPeriodInDaysType');

/** EnableKeyRotation's RotationPeriodInDays: the model's range, and KMS's default when none is given. */
export const ROTATION_PERIOD_DAYS = { min: rotationType.min!, max: rotationType.max!, default: 365 } as const;

/** ScheduleKeyDeletion's PendingWindowInDays: the model allows 1–365, KMS itself accepts 7–30 (default 30). */
export const DELETION_WINDOW_DAYS = { min: 7, max: 30, default: 30 } as const;
