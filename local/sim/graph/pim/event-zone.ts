// `Prefer: outlook.timezone="…"`: event start and end (and those of occurrences in a list) come back in the
// named zone instead of UTC (https://learn.microsoft.com/graph/api/user-list-events#request-headers). A zone
// neither table knows leaves them in UTC. calendarView lists a series as its occurrences.
import type { Json } from '../../../tenant/fixture';
import type { Route, RouteResult } from '../routes';
import { eventTime } from './item-defaults';
import type { SimMailbox } from '../store';
import { expandSeries, isSeriesMaster } from './recurrence';
import { ianaZone } from '../../../../shared/domain/act/appointment-zones';
import { utcToWall } from '../../../../shared/domain/act/appointment-time';

function zoned(e: Json, zone: string): Json {
  for (const k of ['start', 'end']) {
    const ms = eventTime(e[k]);
    if (!isNaN(ms)) e[k] = { dateTime: utcToWall(new Date(ms).toISOString(), zone), timeZone: zone };
  }
  return e;
}

/** The route, with its event bodies (one event, a collection, a delta page) in the preferred zone. */
export function inPreferredZone(route: Route | undefined): Route | undefined {
  if (!route) return route;
  return {
    ...route,
    run: (c) => {
      const zone = c.prefs.timeZone;
      const apply = (r: RouteResult): RouteResult => {
        if (!zone || !ianaZone(zone) || !r.json || typeof r.json !== 'object') return r;
        const body = r.json as Json;
        if (Array.isArray(body.value)) body.value = (body.value as Json[]).map((e) => (e.start ? zoned(e, zone) : e));
        else if (body.start) zoned(body, zone);
        return r;
      };
      const out = route.run(c);
      return out instanceof Promise ? out.then(apply) : apply(out);
    },
  };
}

/** calendarView: single events and exceptions in [from, to), series expanded into their occurrences, by start. */
export function calendarViewItems(mbx: SimMailbox, from: number, to: number): Json[] {
  const cal = mbx.pim.calendar;
  const items = [...cal.items.values()].filter(
    (it) =>
      !isSeriesMaster(it) &&
      it.data.type !== 'exception' &&
      eventTime(it.data.start) < to &&
      eventTime(it.data.end) > from,
  );
  const series = [...cal.items.values()].filter(isSeriesMaster).flatMap((m) => expandSeries(mbx, m, from, to));
  return [...items.map((it) => mbx.pim.render(cal, it)), ...series].sort(
    (x, y) => eventTime(x.start) - eventTime(y.start),
  );
}
