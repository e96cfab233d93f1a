// The settings types, inferred from the declarations: a setting's value type is what its parser returns;
// a setting with a default is always there, one without is optional.
import type { CREDENTIAL_MODES, DECLARED } from './declarations';

type Declared = typeof DECLARED;
export type SettingKey = keyof Declared;
/** App-setting names, e.g. 'GRAPH_PAGE_SIZE'. */
export type SettingName = Declared[SettingKey]['name'];
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];

type ValueOf<D> = D extends { parse: (raw: string) => infer T } ? T : never;
type KeysWhere<Shape> = { [K in SettingKey]: Declared[K] extends Shape ? K : never }[SettingKey];
type Flat<T> = { [K in keyof T]: T[K] } & {};

/** The validated settings (loadSettings), one property per declaration. */
export type Settings = Flat<
  { [K in KeysWhere<{ default: string }>]: ValueOf<Declared[K]> } & {
    [K in Exclude<SettingKey, KeysWhere<{ default: string }>>]?: ValueOf<Declared[K]>;
  }
>;

/** The settings the stage handlers read (declarations with `stage: true`). */
export type StageSettings = Pick<Settings, KeysWhere<{ stage: true }>>;

/** The declaration of one app setting, by name, with its literal types. */
type DeclarationOf<N extends SettingName> = Extract<Declared[SettingKey], { name: N }>;
/** The value type of one app setting, by name. */
export type ValueOfSetting<N extends SettingName> = ValueOf<DeclarationOf<N>>;
