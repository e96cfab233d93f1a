// The tenant fixture format (docs/tenant-fixtures-and-dumps.md): Graph's and the Web API's own JSON shapes.

export type Json = Record<string, unknown>;

export interface FixtureMessage extends Json {
  id?: string;
  internetMessageId?: string;
}

export interface FixtureFolder {
  id?: string;
  displayName: string;
  wellKnownName?: string;
  parentFolderId?: string | null;
  childFolders?: FixtureFolder[];
  messages?: FixtureMessage[];
}

/** How Graph refuses a mailbox (absent: it may be read): see docs/tenant-fixtures-and-dumps.md. */
export const MAILBOX_ACCESS = ['accessDenied', 'outsideAccessPolicy', 'noLicence', 'accountDisabled'] as const;
export type MailboxAccess = (typeof MAILBOX_ACCESS)[number];

export interface FixtureMailbox {
  mailFolders: FixtureFolder[];
  access?: MailboxAccess;
  events?: Json[];
  contacts?: Json[];
  todoLists?: Json[];
}

/** Something that happens while a run goes on, at a fixture time. */
export interface TimelineEvent {
  at: string;
  deliver?: { to: string; folder: string; message: FixtureMessage };
  /** A user changes a message (e.g. adds the tracking category). */
  update?: { mailbox: string; internetMessageId: string; set: Json };
  /** A user moves a message to another folder. */
  move?: { mailbox: string; internetMessageId: string; folder: string };
  /** Someone changes a Dataverse row meanwhile (a Web API PATCH, e.g. a new Regarding). */
  dataverse?: { patch: { entitySet: string; id: string; values: Json } };
}

export interface TenantFixture {
  now?: string;
  /** Entity set name -> records, as the Web API returns them. */
  dataverse: Record<string, Json[]>;
  /** Mailbox address -> its contents, as Graph returns them. */
  exchange: Record<string, FixtureMailbox>;
  timeline?: TimelineEvent[];
}
