/**
 * `kmsw clock advance|show`: the keyring's simulated clock. Moving it forward applies whatever falls
 * due (scheduled deletions, rotations, expiring imported material), so a 30-day deletion window can
 * be tested in seconds. Every host sharing the folder sees the same time.
 */
import { parseArgs } from '../args';
import { UsageError, type CliCommand, type CliIo } from '../command';
import { withLocalKms } from '../local-kms-session';

const HELP = `Usage: kmsw clock advance DURATION [--data DIR]
       kmsw clock show [--data DIR]

The local keyring's clock is the wall clock plus an offset that only moves forward.

  advance DURATION    Move the keyring's clock forward, e.g. 30d, 12h, 90m, 45s or 7d12h;
                      deletions, rotations and expirations that fall due happen now
  show                Print the keyring's time and how far it is ahead of the wall clock

Options:
  --data DIR          Keyring folder (default: $KMSW_DATA_DIR, else ~/.kms-workbench)`;

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export function parseDuration(text: string): number {
  if (!/^(\d+(\.\d+)?[dhms])+$/.test(text)) throw new UsageError(`DURATION is a number and a unit (d, h, m, s), e.g. 30d or 7d12h, not "${text}"`);
  let ms = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)([dhms])/g)) ms += Number(amount) * UNIT_MS[unit];
  return Math.round(ms);
}

function describeOffset(ms: number): string {
  if (ms === 0) return 'the same as the wall clock';
  const days = Math.floor(ms / UNIT_MS.d);
  const hours = Math.floor((ms % UNIT_MS.d) / UNIT_MS.h);
  const minutes = Math.floor((ms % UNIT_MS.h) / UNIT_MS.m);
  const parts = [days && `${days}d`, hours && `${hours}h`, minutes && `${minutes}m`].filter(Boolean);
  return `${parts.length ? parts.join('') : `${Math.round(ms / 1000)}s`} ahead of the wall clock`;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args, { values: ['--data'] });
  const [action, duration, ...extra] = parsed.positionals;
  if (action !== 'advance' && action !== 'show') throw new UsageError(action ? `unknown clock action "${action}": use advance or show` : 'name an action: advance DURATION or show');
  if (extra.length) throw new UsageError(`unexpected argument ${extra[0]}`);
  if (action === 'advance' && duration === undefined) throw new UsageError('advance needs a DURATION, e.g. kmsw clock advance 30d');
  if (action === 'show' && duration !== undefined) throw new UsageError(`unexpected argument ${duration}`);
  const ms = action === 'advance' ? parseDuration(duration) : 0;
  return withLocalKms(parsed, io, async ({ kms }) => {
    const now = action === 'advance' ? await kms.service.advanceClock(ms, kms.defaultCaller()) : await kms.service.now();
    const { clockOffsetMs } = await kms.store.read();
    io.stdout(`keyring time ${new Date(now).toISOString()} (${describeOffset(clockOffsetMs)})\n`);
    return 0;
  });
}

export const clockCommand: CliCommand = { name: 'clock', summary: "Show or advance the keyring's simulated clock", help: HELP, run };
