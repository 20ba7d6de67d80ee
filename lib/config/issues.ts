/** Schema issues (zod) as problems: the field, the bad value and the fix, with did-you-means. */
import { z } from "zod";
import { netmaskPrefix } from "../model/ipv4";
import { didYouMean } from "../model/validate";
import { BACKEND_SECRETS, environmentSchema } from "./schema";
import { fieldPath, showValue, type Problem } from "./problems";

/** Where a secret option belongs instead: the variable the backend (or provider) reads. */
function secretVariableFor(pathParts: readonly PropertyKey[], key: string): string | undefined {
  if (pathParts[0] === "vsphere" && (key === "password" || key === "user")) return `TF_VAR_vsphere_${key}`;
  return Object.hasOwn(BACKEND_SECRETS, key) ? BACKEND_SECRETS[key] : undefined;
}

function valueAt(root: unknown, pathParts: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const p of pathParts) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[p as string];
  }
  return v;
}

type AnySchema = z.ZodType;

/** The schema that describes the value at a path, unwrapping optionals, defaults and pipes. */
function schemaAt(schema: AnySchema, pathParts: readonly PropertyKey[], raw: unknown): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  let v: unknown = raw;
  const unwrap = (x: AnySchema): AnySchema => {
    let cur = x;
    for (;;) {
      if (cur instanceof z.ZodOptional || cur instanceof z.ZodDefault || cur instanceof z.ZodNullable)
        cur = cur.unwrap() as AnySchema;
      else if (cur instanceof z.ZodPipe) cur = cur.in as AnySchema;
      else return cur;
    }
  };
  const pick = (x: AnySchema, value: unknown): AnySchema => {
    const u = unwrap(x);
    if (u instanceof z.ZodUnion || u instanceof z.ZodDiscriminatedUnion) {
      const objects = (u.options as AnySchema[]).map(unwrap).filter((o): o is z.ZodObject => o instanceof z.ZodObject);
      const type = value && typeof value === "object" ? (value as Record<string, unknown>).type : undefined;
      const byType = objects.find((o) => o.shape.type instanceof z.ZodLiteral && o.shape.type.value === type);
      const byKeys = objects.find(
        (o) => value && typeof value === "object" && Object.keys(value).some((k) => k in o.shape),
      );
      return byType ?? byKeys ?? objects[0] ?? u;
    }
    return u;
  };
  s = pick(s, v);
  for (const p of pathParts) {
    v = v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p as string] : undefined;
    if (s instanceof z.ZodObject) s = s.shape[String(p)] as AnySchema | undefined;
    else if (s instanceof z.ZodArray) s = s.element as AnySchema;
    else if (s instanceof z.ZodRecord) s = s.valueType as AnySchema;
    else return undefined;
    if (!s) return undefined;
    s = pick(s, v);
  }
  return s;
}

export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, file: string): Problem[] {
  const at = fieldPath(issue.path);
  const value = valueAt(raw, issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const schema = schemaAt(environmentSchema, issue.path, raw);
      const known = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      return issue.keys.map((key) => {
        const field = fieldPath([...issue.path, key]);
        const secretEnv = secretVariableFor(issue.path, key);
        if (secretEnv) {
          return {
            file,
            field,
            message: `secrets never go in environment files; remove ${key} and set ${secretEnv} in the environment instead`,
          };
        }
        const guess = didYouMean(key, known);
        const hint = guess ? `did you mean '${guess}'?` : `known fields here: ${known.join(", ")}`;
        return { file, field, message: `unknown field '${key}'; ${hint}` };
      });
    }
    case "invalid_type": {
      if (value === undefined) {
        return [{ file, field: at, message: `is missing; ${issue.message.replace(/^must be/, "add it: it must be")}` }];
      }
      const key = String(issue.path[issue.path.length - 1] ?? at);
      if (issue.expected === "number" && typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got the text '${value}'; drop the quotes: ${key}: ${value.trim()}`,
          },
        ];
      }
      const prefix = key === "prefixLength" && typeof value === "string" ? netmaskPrefix(value) : undefined;
      if (prefix !== undefined) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got '${value}'; write the prefix length: prefixLength: ${prefix}`,
          },
        ];
      }
      if (issue.expected === "boolean" && typeof value === "string" && /^(true|false)$/i.test(value.trim())) {
        return [
          {
            file,
            field: at,
            message: `${issue.message}, got the text '${value}'; drop the quotes: ${key}: ${value.trim().toLowerCase()}`,
          },
        ];
      }
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
    }
    case "invalid_value": {
      const options = issue.values.map((o) => String(o));
      const guess = typeof value === "string" ? didYouMean(value, options) : undefined;
      const fix = guess ? `; did you mean '${guess}'?` : "";
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}${fix}` }];
    }
    case "invalid_union": {
      const endsInType = issue.path[issue.path.length - 1] === "type";
      const backendPath = endsInType ? issue.path.slice(0, -1) : issue.path;
      const backend = valueAt(raw, backendPath);
      if (
        fieldPath(backendPath) === "backend" &&
        backend &&
        typeof backend === "object" &&
        !Array.isArray(backend) &&
        !("type" in backend)
      ) {
        // `typ: s3`: the backend's type under a misspelt key.
        const typo = Object.keys(backend).find((k) => didYouMean(k, ["type"]) === "type");
        if (typo !== undefined) {
          return [
            {
              file,
              field: fieldPath([...backendPath, typo]),
              message: `unknown field '${typo}'; did you mean 'type'? (backend needs type: local, s3, pg, http or remote)`,
            },
          ];
        }
      }
      if (endsInType || (value && typeof value === "object" && "type" in value && at === "backend")) {
        const t = endsInType ? value : (value as Record<string, unknown>).type;
        const guess = typeof t === "string" ? didYouMean(t, ["local", "s3", "pg", "http", "remote"]) : undefined;
        return [
          {
            file,
            field: endsInType ? at : `${at}.type`,
            message: `must be one of local, s3, pg, http, remote, got ${showValue(t)}${guess ? `; did you mean '${guess}'?` : ""}`,
          },
        ];
      }
      // A mapping where the union allows one (e.g. customization.ipv4 as {range, prefixLength, gateway}):
      // report what is wrong inside it, at its own field, rather than that the union failed.
      const option = schemaAt(environmentSchema, issue.path, raw);
      if (option instanceof z.ZodObject && value && typeof value === "object" && !Array.isArray(value)) {
        const inner = option.safeParse(value);
        if (!inner.success) {
          return inner.error.issues.flatMap((i) =>
            describeIssue({ ...i, path: [...issue.path, ...i.path] } as z.core.$ZodIssue, raw, file),
          );
        }
      }
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
    }
    default:
      return [{ file, field: at, message: `${issue.message}, got ${showValue(value)}` }];
  }
}

/**
 * One message per typo: a required field that "is missing" because it was misspelt is reported
 * once, at the misspelt key (`unknown field 'form'; did you mean 'from'?`), which is where the fix is.
 */
export function mergeTypos(problems: readonly Problem[]): Problem[] {
  const missingAt = new Set<string>();
  for (const p of problems) {
    const m = /^unknown field '(.+)'; did you mean '(.+)'\?/.exec(p.message);
    if (!m) continue;
    const [, key, guess] = m;
    const own = fieldPath(["x", key]).slice(1);
    if (!p.field.endsWith(own)) continue;
    missingAt.add(`${p.field.slice(0, -own.length)}${fieldPath(["x", guess]).slice(1)}`);
  }
  if (!missingAt.size) return [...problems];
  return problems.filter((p) => !(missingAt.has(p.field) && p.message.startsWith("is missing;")));
}
