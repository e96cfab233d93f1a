// Attachment reads declared beside shared/ports.ts (at its size limit) as optional members of its interfaces: a
// port without them reads every kept file again on a redelivery, takes only a list's first page, and reads files
// as base64 in JSON.
export {};

declare module './ports' {
  interface GraphPort {
    /** The entries of an attachment list's further pages, from its @odata.nextLink. */
    moreAttachments?(link: string): Promise<GraphJson[]>;
    /** A file attachment's raw bytes ($value); undefined when it is gone. */
    attachmentBytes?(mailbox: string, graphId: string, attachmentId: string): Promise<Buffer | undefined>;
  }
  interface DataversePort {
    /** Ids (lower-cased) of the attachment rows these emails hold already: a redelivery reads no file twice. */
    attachmentIdsOf?(activityIds: string[]): Promise<Set<string>>;
  }
}
