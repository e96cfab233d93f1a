// The Dataverse port's read of stored attachment rows, declared beside shared/ports.ts (at its size limit) as an
// optional member of the same interface: a port without it reads every kept file again on a redelivery.
export {};

declare module './ports' {
  interface DataversePort {
    /** Ids (lower-cased) of the attachment rows these emails hold already: a redelivery reads no file twice. */
    attachmentIdsOf?(activityIds: string[]): Promise<Set<string>>;
  }
}
