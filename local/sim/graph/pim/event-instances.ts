// GET /events/{id}/instances?startDateTime&endDateTime: a series' occurrences and exceptions in the window
// (https://learn.microsoft.com/graph/api/event-list-instances); both parameters are required.
import { GraphError } from '../errors';
import type { Route } from '../routes';
import type { SimMailbox } from '../store';
import { list } from './collection-json';
import { eventTime } from './item-defaults';
import { expandSeries, isSeriesMaster } from './recurrence';

export function instancesRoute(u: string, mbx: () => SimMailbox, id: string): Route {
  return {
    name: 'event/instances',
    methods: ['GET'],
    mailbox: u,
    run: (c) => {
      const me = mbx();
      const item = me.pim.get(me.pim.calendar, id);
      const a = eventTime({ dateTime: c.query.get('startDateTime') ?? c.query.get('startdatetime') ?? '' });
      const b = eventTime({ dateTime: c.query.get('endDateTime') ?? c.query.get('enddatetime') ?? '' });
      if (isNaN(a) || isNaN(b))
        throw new GraphError(
          400,
          'ErrorInvalidParameter',
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        );
      // A single event has no instances.
      return list(c, 'event', isSeriesMaster(item) ? expandSeries(me, item, a, b) : []);
    },
  };
}
