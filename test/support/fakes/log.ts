// A log that keeps every structured event, so a test can say which ones a stage raised.
import type { Log, LogProps } from '../../../shared/ports';

export interface LoggedEvent {
  level: 'info' | 'warn' | 'error';
  event: string;
  props?: LogProps;
}

export interface FakeLog extends Log {
  events: LoggedEvent[];
  /** The names of the events at a level (every level when none is given), in order. */
  names(level?: LoggedEvent['level']): string[];
}

export function fakeLog(): FakeLog {
  const events: LoggedEvent[] = [];
  const at = (level: LoggedEvent['level']) => (event: string, props?: LogProps) =>
    void events.push({ level, event, ...(props ? { props } : {}) });
  return {
    events,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    names: (level) => events.filter((e) => !level || e.level === level).map((e) => e.event),
  };
}
