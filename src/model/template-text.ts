/**
 * CloudFormation templates as text: JSON, or YAML with the short intrinsic tags (`!Ref`, `!Sub`,
 * `!GetAtt Resource.Attribute`), read into the same long-form JSON CloudFormation itself works on.
 * Used for templates given inline (a StackSet's TemplateBody) and for templates on disk.
 */
import { CollectionTag, parseDocument, ScalarTag, YAMLMap, YAMLSeq } from 'yaml';

// Every intrinsic function and condition function with a short form (`!Name` for `Fn::Name`).
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
  'And', 'Equals', 'If', 'Not', 'Or', 'Contains', 'EachMemberEquals', 'ValueOf', 'Length', 'ToJsonString'];

/** The tag in its three YAML forms: `!Tag scalar`, `!Tag [a, b]`, `!Tag {k: v}`. */
function tagsFor(tag: string, wrap: (value: unknown) => unknown): Array<ScalarTag | CollectionTag> {
  const collection = (kind: 'seq' | 'map'): CollectionTag => ({
    tag,
    collection: kind,
    nodeClass: kind === 'seq' ? YAMLSeq : YAMLMap,
    identify: () => false,
    resolve: (value: YAMLMap.Parsed | YAMLSeq.Parsed) => wrap(value.toJSON()),
  });
  return [{ tag, identify: () => false, resolve: (value: string) => wrap(value) }, collection('seq'), collection('map')];
}

/** `!GetAtt Resource.Attribute.Part` names the resource before the first dot. */
function splitAtFirstDot(value: string): string[] {
  const dot = value.indexOf('.');
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

const CLOUDFORMATION_TAGS = [
  ...FUNCTIONS.flatMap(name => tagsFor(`!${name}`, value => ({ [`Fn::${name}`]: value }))),
  ...tagsFor('!Ref', value => ({ Ref: value })),
  ...tagsFor('!Condition', value => ({ Condition: value })),
  ...tagsFor('!GetAtt', value => ({ 'Fn::GetAtt': typeof value === 'string' ? splitAtFirstDot(value) : value })),
];

/**
 * A template's text as JSON values. JSON is read as JSON (YAML would accept it too, but slower
 * and with YAML's looser idea of numbers); anything else as YAML. Throws an Error whose message
 * says which syntax failed and where.
 */
export function parseTemplateText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (/^\s*[{[]/.test(body)) {
    try {
      return JSON.parse(body);
    } catch (error) {
      throw new Error(`not valid JSON: ${(error as Error).message}`);
    }
  }
  const document = parseDocument(body, { customTags: CLOUDFORMATION_TAGS, uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`not valid YAML: ${document.errors[0].message.split('\n')[0]}`);
  // Aliases are expanded without YAML's default cap: templates are trusted input of bounded size.
  return document.toJS({ maxAliasCount: -1 });
}
