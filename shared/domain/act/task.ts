// Tasks: a Dataverse task as a To Do task and back, with server-side synchronization's rules: scheduledend ↔ due
// date, actualend ↔ completed date; Open maps to Not Started and Completed or Canceled to Completed; a reminder
// when the due date is after one day ago and the task is open; an actualend in the past completes the Exchange
// task; a delete in Dynamics 365 reaches Exchange only while the Exchange task is not completed; a delete in
// Exchange deletes the row; a row created from Exchange starts now (actualstart).
import type { ActModule, Json } from './module';
import { fromGraphDateTime, toGraphDateTime, utcSecond } from './time';

export const TASK_FIELDS = ['subject', 'body', 'due', 'completed', 'status', 'importance'] as const;

/** Dataverse task states (statecode) and the status reasons we write (statuscode). */
export const TASK_STATE = { open: 0, completed: 1, canceled: 2 } as const;
export const TASK_STATUS = { notStarted: 2, completed: 5 } as const;
const PRIORITY: Record<string, number> = { low: 0, normal: 1, high: 2 };
const IMPORTANCE = ['low', 'normal', 'high'];
const DAY_MS = 24 * 60 * 60 * 1000;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** Open (statecode 0) with an actualend already past shows as completed in Exchange, as SSS has it. */
function statusOf(row: Json, now: Date): 'notStarted' | 'completed' {
  if (row.statecode === TASK_STATE.completed || row.statecode === TASK_STATE.canceled) return 'completed';
  const end = utcSecond(row.actualend);
  return end && Date.parse(end) < now.getTime() ? 'completed' : 'notStarted';
}

/** The reminder SSS sets: when the due date is after one day ago and the task is open. */
export function taskReminder(due: string | null, status: unknown, now: Date): Json {
  const on = !!due && status !== 'completed' && Date.parse(due) > now.getTime() - DAY_MS;
  return on ? { isReminderOn: true, reminderDateTime: toGraphDateTime(due) } : { isReminderOn: false };
}

export const taskModule: ActModule = {
  workload: 'task',
  entitySet: 'tasks',
  key: 'activityid',
  logicalName: 'task',
  fields: TASK_FIELDS,
  fromExchange(item) {
    const body = (item.body ?? {}) as Json;
    return {
      subject: text(item.title),
      body: text(body.content),
      due: fromGraphDateTime(item.dueDateTime) ?? null,
      completed: fromGraphDateTime(item.completedDateTime) ?? null,
      status: item.status === 'completed' ? 'completed' : 'notStarted',
      importance: IMPORTANCE.includes(String(item.importance)) ? String(item.importance) : 'normal',
    };
  },
  fromDataverse(row, ctx) {
    const p = typeof row.prioritycode === 'number' ? IMPORTANCE[row.prioritycode] : undefined;
    return {
      subject: text(row.subject),
      body: text(row.description),
      due: utcSecond(row.scheduledend),
      completed: utcSecond(row.actualend),
      status: statusOf(row, ctx.now),
      importance: p ?? 'normal',
    };
  },
  toExchange(f, names, ctx) {
    const body: Json = {};
    const has = (...n: string[]) => n.some((x) => names.includes(x));
    if (has('subject')) body.title = f.subject ?? '';
    if (has('body')) body.body = { content: f.body ?? '', contentType: 'text' };
    if (has('due')) body.dueDateTime = toGraphDateTime(f.due as string | null);
    if (has('status')) body.status = f.status === 'completed' ? 'completed' : 'notStarted';
    if (has('completed')) body.completedDateTime = toGraphDateTime(f.completed as string | null);
    if (has('importance')) body.importance = f.importance ?? 'normal';
    if (has('due', 'status')) Object.assign(body, taskReminder(f.due as string | null, f.status, ctx.now));
    return body;
  },
  toDataverse(f, names, ctx, create) {
    const columns: Json = {};
    const has = (...n: string[]) => n.some((x) => names.includes(x));
    if (has('subject')) columns.subject = f.subject ?? '';
    if (has('body')) columns.description = f.body;
    if (has('due')) columns.scheduledend = f.due;
    if (has('completed')) columns.actualend = f.completed;
    if (has('importance')) columns.prioritycode = PRIORITY[String(f.importance)] ?? 1;
    if (create) {
      columns.actualstart = ctx.now.toISOString();
      columns['ownerid@odata.bind'] = `/systemusers(${ctx.ownerId})`;
    }
    const state =
      has('status') || create
        ? f.status === 'completed'
          ? { statecode: TASK_STATE.completed, statuscode: TASK_STATUS.completed }
          : { statecode: TASK_STATE.open, statuscode: TASK_STATUS.notStarted }
        : undefined;
    return state ? { columns, state } : { columns };
  },
  dataverseDelete: (link, ex) => ((ex.status ?? link.base.status) === 'completed' ? 'unlink' : 'delete'),
  exchangeDelete: () => 'delete',
};
