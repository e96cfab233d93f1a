import type { Random } from './demo-random';

// Subjects and HTML bodies for the demo mail. Plain enough to read in a state dump, varied enough that
// smart matching and subject handling meet realistic text (prefixes, numbers, punctuation).

const PRODUCTS = [
  'Surface Laptop 6',
  'Dynamics 365 Sales',
  'Teams Rooms',
  'Azure credits',
  'HoloLens 2',
  'Power BI Pro',
  'field service tablets',
  'support plan',
  'data migration',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];

export interface Fill {
  company: string;
  product: string;
  n: number;
  day: string;
}

export function fill(r: Random, company: string): Fill {
  return { company, product: r.pick(PRODUCTS), n: r.int(1000, 9999), day: r.pick(DAYS) };
}

function render(template: string, f: Fill): string {
  return template
    .replace(/\{company\}/g, f.company)
    .replace(/\{product\}/g, f.product)
    .replace(/\{n\}/g, String(f.n))
    .replace(/\{day\}/g, f.day);
}

const INBOUND = [
  'Question about invoice INV-{n}',
  'Pricing for {product}',
  'Meeting next week?',
  'Order PO-{n}: delivery date',
  'Contract renewal for {company}',
  'Issue with {product}',
  'Request for a demo of {product}',
  'Updated requirements',
  'Can we move our call to {day}?',
  'Feedback on the proposal',
  'New contact at {company}',
  'Budget approval for {product}',
];
const OUTBOUND = [
  'Proposal for {company}',
  'Follow-up on our call',
  'Quote for {product}',
  'Agenda for {day}',
  'Onboarding plan for {company}',
  'Next steps on {product}',
  'Thank you for your time',
  'Case study: {product} at scale',
];
const INTERNAL = [
  'Can you review the {company} proposal?',
  'Pipeline review on {day}',
  'Lunch on {day}?',
  'Handover: {company} account',
  'Discount approval for {company}',
  'Notes from the {company} meeting',
  'Team offsite planning',
  'Forecast update',
];
const UNKNOWN = [
  'Your weekly newsletter',
  'Webinar invitation: the future of {product}',
  'Partnership opportunity',
  'Special offer ends {day}',
  'Quick question',
  'Invitation: industry round table',
  'Your subscription receipt {n}',
  'Introducing our new {product} services',
];
const DL = [
  'Holiday schedule for the office',
  'Quarterly all-hands on {day}',
  'Action required: {product} survey',
  'Customer event invitation: {company} summit',
];

export type Topic = 'inbound' | 'outbound' | 'internal' | 'unknown' | 'dl';
const SUBJECTS: Record<Topic, string[]> = {
  inbound: INBOUND,
  outbound: OUTBOUND,
  internal: INTERNAL,
  unknown: UNKNOWN,
  dl: DL,
};

const SENTENCES: Record<Topic, string[]> = {
  inbound: [
    'Could you send us the latest figures before the end of the week?',
    'We would like to go ahead, but finance needs the revised quote first.',
    'The team had a few questions after the last meeting, listed below.',
    'Our delivery address has changed; please use the one in my signature.',
    'Is there any flexibility on the licence terms for {product}?',
  ],
  outbound: [
    'Thanks again for your time today; the summary is below.',
    'Please find the quote for {product} attached as discussed.',
    'Let me know if {day} works for a short follow-up call.',
    'I have copied our specialist who can help with the technical questions.',
    'The offer is valid for 30 days from today.',
  ],
  internal: [
    'Can you take a look before I send it to the customer?',
    'I have added my notes to the shared document.',
    'They asked for a 12% discount; I think 8% is the most we can do.',
    'Let us discuss it in the pipeline review on {day}.',
  ],
  unknown: [
    'We help companies like {company} grow faster.',
    'Click below to reserve your seat.',
    'This message was sent to you because you subscribed to our updates.',
    'Reply STOP to unsubscribe.',
  ],
  dl: ['Please read the details below and reply to your manager with any questions.', 'Registration closes on {day}.'],
};

export function subjectFor(r: Random, topic: Topic, f: Fill): string {
  return render(r.pick(SUBJECTS[topic]), f);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface Body {
  html: string;
  preview: string;
}

/** An Outlook-like HTML body: greeting, a sentence or two, signature, and the quoted mail on a reply. */
export function bodyFor(
  r: Random,
  topic: Topic,
  f: Fill,
  to: string,
  from: string,
  quoted?: { from: string; sent: string; subject: string },
): Body {
  const lines = [render(r.pick(SENTENCES[topic]), f)];
  if (r.chance(0.5)) lines.push(render(r.pick(SENTENCES[topic]), f));
  const text = lines.join(' ');
  const quote = quoted
    ? `<hr><p><b>From:</b> ${escape(quoted.from)}<br><b>Sent:</b> ${quoted.sent}<br><b>Subject:</b> ${escape(quoted.subject)}</p>`
    : '';
  const html = `<html><body><p>Hi ${escape(to)},</p><p>${escape(text)}</p><p>Best regards,<br>${escape(from)}</p>${quote}</body></html>`;
  return { html, preview: `Hi ${to}, ${text}`.slice(0, 255) };
}
