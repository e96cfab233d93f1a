// Bodies the PIM routes answer with: collections (with $top), contact folders and To Do lists.
import type { Json } from '../../../tenant/fixture';
import { badRequest } from '../errors';
import type { RouteContext, RouteResult } from '../routes';
import type { SimMailbox } from '../store';
import type { PimCollection } from './store';

export const ok = (json: unknown): RouteResult => ({ status: 200, json });

export function objectBody(c: RouteContext): Json {
  const b = c.body();
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw badRequest('Empty or invalid payload.');
  return b as Json;
}

export function list(c: RouteContext, type: string, value: Json[]): RouteResult {
  const top = Number(c.query.get('$top') ?? 0) || 0;
  return ok({
    '@odata.context': `${c.baseUrl}/$metadata#Collection(${type})`,
    value: top > 0 ? value.slice(0, top) : value,
  });
}

export function folderJson(mbx: SimMailbox, f: PimCollection): Json {
  return { id: f.id, displayName: f.displayName, parentFolderId: mbx.rootId, wellKnownName: f.wellKnown };
}

export function listJson(l: PimCollection): Json {
  return {
    '@odata.etag': `W/"${l.id.slice(-12)}"`,
    id: l.id,
    displayName: l.displayName,
    isOwner: true,
    isShared: false,
    wellknownListName: l.wellKnown ?? 'none',
  };
}
