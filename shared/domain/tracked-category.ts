// The tracking category (OrgDB TrackCategorizedItems, on by default): an item that carries it is tracked
// whatever the filters. The name must match exactly, spaces around it aside; TRACKED_CATEGORY_NAME
// renames it (Dynamics 365 names it "Tracked to Dynamics 365").
export const DEFAULT_TRACKED_CATEGORY = 'Tracked to Dynamics 365';

/** The category that tracks an item, or undefined when the organization turned category tracking off. */
export function trackedCategory(trackCategorizedItems: boolean, configuredName?: string): string | undefined {
  return trackCategorizedItems ? (configuredName ?? DEFAULT_TRACKED_CATEGORY) : undefined;
}

/** Whether an item's categories (as Graph gives them, unchecked) carry the tracking category. */
export function carriesTrackedCategory(categories: unknown, tracked: string | undefined): boolean {
  return (
    !!tracked && Array.isArray(categories) && categories.some((c) => typeof c === 'string' && c.trim() === tracked)
  );
}
