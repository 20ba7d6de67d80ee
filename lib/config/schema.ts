import { z } from "zod";
import { RULE_IDS } from "../rules";

/**
 * The environment file contract (docs/environment-file.md). Field names are public: never
 * rename them. Every object is strict: unknown keys are errors. The schema checks the shape
 * and types; values are checked once, in lib/model/validate.ts, for the constructs and the files.
 */

const text = (what: string) =>
  z
    .string({ error: `must be a ${what} (text)` })
    .trim()
    .min(1, { error: `must not be empty; write the ${what}` });
const number = (what: string) => z.number({ error: `must be a number (${what})` });

export const suppressionSchema = z.strictObject(
  {
    rule: z.enum(RULE_IDS, { error: `must be a rule id: ${RULE_IDS.join(", ")}` }),
    reason: text("reason why the rule does not apply"),
  },
  { error: "must be {rule: RULE-ID, reason: WHY}" },
);

const version = z
  .union([z.string(), z.number()], { error: 'must be a vSphere version like "8.0"' })
  .transform((v) => (typeof v === "number" ? (Number.isInteger(v) ? `${v}.0` : String(v)) : v.trim()));

export const vsphereSchema = z.strictObject(
  {
    server: z.string({ error: "must be the vCenter server's host name (text)" }),
    allowUnverifiedSsl: z.boolean({ error: "must be true or false" }).default(false),
    /** Optional; without it the rules assume 8.0, and synth says so. */
    version: version.optional(),
  },
  { error: "must be a mapping with server, allowUnverifiedSsl and version" },
);

/** A URL without user:password in it; credentials come from the backend's variables. */
const urlWithoutCredentials = (variables: string) =>
  z.string().refine((a) => !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(a), {
    error: `must not carry credentials; set ${variables} instead`,
  });

const relativePath = text("path").refine((p) => !p.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(p), {
  error: "must be relative to the project, not absolute",
});

export const backendSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("local"), path: relativePath.optional(), workspaceDir: relativePath.optional() }),
    z.strictObject({
      type: z.literal("s3"),
      bucket: text("bucket name"),
      key: text("state object key"),
      region: z.string().optional(),
      endpoint: urlWithoutCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").optional(),
      encrypt: z.boolean().optional(),
      acl: z.string().optional(),
      kmsKeyId: z.string().optional(),
      dynamodbTable: z.string().optional(),
      profile: z.string().optional(),
      sharedConfigFiles: z.array(z.string()).optional(),
      sharedCredentialsFiles: z.array(z.string()).optional(),
      sharedCredentialsFile: z.string().optional(),
      allowedAccountIds: z.array(z.string()).optional(),
      forbiddenAccountIds: z.array(z.string()).optional(),
      customCaBundle: z.string().optional(),
      httpProxy: urlWithoutCredentials("HTTP_PROXY").optional(),
      httpsProxy: urlWithoutCredentials("HTTPS_PROXY").optional(),
      noProxy: z.string().optional(),
      insecure: z.boolean().optional(),
      retryMode: z.string().optional(),
      maxRetries: z.number().int().min(0).optional(),
      roleArn: z.string().optional(),
      assumeRolePolicy: z.string().optional(),
      assumeRolePolicyArns: z.array(z.string()).optional(),
      assumeRoleTags: z.record(z.string(), z.string()).optional(),
      assumeRoleTransitiveTagKeys: z.array(z.string()).optional(),
      externalId: z.string().optional(),
      sessionName: z.string().optional(),
      workspaceKeyPrefix: z.string().optional(),
      dynamodbEndpoint: urlWithoutCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").optional(),
      iamEndpoint: urlWithoutCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").optional(),
      stsEndpoint: urlWithoutCredentials("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY").optional(),
      stsRegion: z.string().optional(),
      forcePathStyle: z.boolean().optional(),
      usePathStyle: z.boolean().optional(),
      skipCredentialsValidation: z.boolean().optional(),
      skipRegionValidation: z.boolean().optional(),
      skipRequestingAccountId: z.boolean().optional(),
      skipMetadataApiCheck: z.boolean().optional(),
      useLegacyWorkflow: z.boolean().optional(),
      endpoints: z
        .strictObject({
          dynamodb: z.string().optional(),
          iam: z.string().optional(),
          s3: z.string().optional(),
          sso: z.string().optional(),
          sts: z.string().optional(),
        })
        .optional(),
      assumeRole: z
        .strictObject({
          roleArn: text("role ARN"),
          duration: z.string().optional(),
          externalId: z.string().optional(),
          policy: z.string().optional(),
          policyArns: z.array(z.string()).optional(),
          sessionName: z.string().optional(),
          sourceIdentity: z.string().optional(),
          tags: z.record(z.string(), z.string()).optional(),
          transitiveTagKeys: z.array(z.string()).optional(),
        })
        .optional(),
    }),
    z.strictObject({
      type: z.literal("pg"),
      schemaName: z.string().optional(),
      skipSchemaCreation: z.boolean().optional(),
      skipTableCreation: z.boolean().optional(),
      skipIndexCreation: z.boolean().optional(),
    }),
    z.strictObject({
      type: z.literal("http"),
      address: text("state URL").refine((a) => !/^[a-z]+:\/\/[^/]*@/i.test(a), {
        error: "must not carry credentials; set TF_HTTP_USERNAME and TF_HTTP_PASSWORD instead",
      }),
      updateMethod: z.string().optional(),
      lockAddress: urlWithoutCredentials("TF_HTTP_USERNAME and TF_HTTP_PASSWORD").optional(),
      lockMethod: z.string().optional(),
      unlockAddress: urlWithoutCredentials("TF_HTTP_USERNAME and TF_HTTP_PASSWORD").optional(),
      unlockMethod: z.string().optional(),
      username: z.string().optional(),
      skipCertVerification: z.boolean().optional(),
      clientCertificatePem: z.string().optional(),
      clientCaCertificatePem: z.string().optional(),
      retryMax: z.number().int().min(0).optional(),
      retryWaitMin: z.number().int().min(0).optional(),
      retryWaitMax: z.number().int().min(0).optional(),
    }),
    z.strictObject({
      type: z.literal("remote"),
      organization: text("organization"),
      hostname: z.string().optional(),
      workspaces: z.union(
        [z.strictObject({ name: text("workspace name") }), z.strictObject({ prefix: text("workspace prefix") })],
        {
          error: "must be {name: WORKSPACE} or {prefix: PREFIX}",
        },
      ),
    }),
  ],
  { error: "type must be one of local, s3, pg, http, remote" },
);

/** Backend options that are secrets: never in the file, always from the backend's own environment variables. */
export const BACKEND_SECRETS: Record<string, string> = {
  accessKey: "AWS_ACCESS_KEY_ID",
  secretKey: "AWS_SECRET_ACCESS_KEY",
  token: "the backend's token variable (AWS_SESSION_TOKEN for s3, TF_TOKEN_<host> for remote)",
  sseCustomerKey: "AWS_SSE_CUSTOMER_KEY",
  connStr: "PG_CONN_STR",
  password: "TF_HTTP_PASSWORD",
  clientPrivateKeyPem: "TF_HTTP_CLIENT_PRIVATE_KEY_PEM",
};

export const clusterSchema = z.strictObject(
  {
    hosts: z
      .array(text("host name"), { error: "must be a list of host names" })
      .min(1, { error: "must list at least one host, or be left out" })
      .optional(),
    haEnabled: z.boolean({ error: "must be true or false" }).default(false),
  },
  { error: "must be a mapping with hosts and haEnabled" },
);

export const datastoreSchema = z.strictObject(
  {
    type: z.string({ error: "must be a datastore type (text)" }).optional(),
    capacityGb: z.number({ error: "must be a number of GB" }).optional(),
  },
  { error: "must be a mapping with type (and capacityGb)" },
);

export const baseSchema = z.strictObject(
  {
    vm: z.string({ error: "must be the source VM or template name (text)" }),
    snapshot: z.string({ error: "must be a snapshot name (text)" }).optional(),
    manageSnapshot: z.boolean({ error: "must be true or false" }).default(false),
    template: z.boolean({ error: "must be true or false" }).default(false),
    guestOs: z.enum(["linux", "windows"], { error: "must be linux or windows" }).default("linux"),
    diskGb: z.number({ error: "must be a number of GB" }).optional(),
  },
  { error: "must be a mapping with vm (and snapshot, manageSnapshot, template, diskGb)" },
);

/**
 * Values below are checked for their type here; what their values may be (addresses, ranges,
 * names, sizes) is checked once, in lib/model/validate.ts, for the constructs and for these files.
 */
const ipv4Text = z.string({ error: "must be an IPv4 address a.b.c.d" });

export const staticIpv4Schema = z.strictObject(
  {
    range: z.string({ error: "must be a range first-last, e.g. 10.0.10.10-10.0.10.50" }),
    prefixLength: z.number({
      error: "must be the prefix length, a number of network bits (e.g. 24 for 255.255.255.0), not a netmask",
    }),
    gateway: ipv4Text,
  },
  { error: "must be {range, prefixLength, gateway}" },
);

export const customizationSchema = z.strictObject(
  {
    domain: z.string({ error: "must be a DNS domain (text)" }).optional(),
    ipv4: z
      .union([z.literal("dhcp"), staticIpv4Schema], {
        error: "must be the word dhcp or {range, prefixLength, gateway}",
      })
      .default("dhcp"),
    dnsServers: z.array(ipv4Text, { error: "must be a list of IPv4 addresses" }).optional(),
    windows: z
      .strictObject(
        {
          workgroup: text("workgroup").optional(),
          timeZone: z
            .number({
              error:
                "must be the Windows time-zone index, a number (e.g. 110 for W. Europe Standard Time), not a zone name",
            })
            .optional(),
        },
        { error: "must be a mapping with workgroup and timeZone" },
      )
      .optional(),
  },
  { error: "must be a mapping with domain, ipv4, dnsServers" },
);

export const memberSchema = z.union(
  [
    // Surrounding spaces are dropped (a name never holds them); an empty name is reported by the model's checks.
    z.string({ error: "must be a VM name" }).trim(),
    z.strictObject({
      name: z.string({ error: "must be a VM name (text)" }).trim(),
      ipv4: ipv4Text.optional(),
      generation: number("generation, 0 or more").optional(),
    }),
  ],
  {
    error: "must be a VM name, or {name: VM, ipv4: a.b.c.d, generation: N}",
  },
);

export const rolloutSchema = z.strictObject(
  {
    from: text("old base's name"),
    moved: number("members moved to the new base"),
  },
  { error: "must be {from: OLD-BASE, moved: N}" },
);

export const groupSchema = z.strictObject(
  {
    name: z.string({ error: "must be a group name (text)" }),
    base: text("base name"),
    cluster: text("cluster name").optional(),
    resourcePool: text("resource pool path").optional(),
    datastore: text("datastore name").optional(),
    datastoreCluster: text("datastore cluster name").optional(),
    network: text("network name"),
    count: number("number of clones").optional(),
    members: z
      .array(memberSchema, { error: "must be a list of VM names" })
      .min(1, { error: "must list at least one VM, or use count" })
      .optional(),
    namePattern: text("name pattern with {n}, {nn} or {nnn}").optional(),
    hosts: z.array(text("host name"), { error: "must be a list of host names" }).optional(),
    folder: z.string({ error: "must be a folder path (text)" }).optional(),
    cpus: number("virtual CPUs").optional(),
    memoryMb: number("memory in MB").optional(),
    diskMode: z
      .enum(["persistent", "nonpersistent"], { error: "must be persistent or nonpersistent" })
      .default("persistent"),
    waitForGuestNetMinutes: number("minutes; 0 = don't wait").optional(),
    waitForGuestNetRoutable: z.boolean({ error: "must be true or false" }).optional(),
    customization: customizationSchema.optional(),
    annotation: z.string().optional(),
    generation: number("generation, 0 or more").optional(),
    rollout: rolloutSchema.optional(),
    suppress: z.array(suppressionSchema, { error: "must be a list of {rule, reason}" }).optional(),
  },
  { error: "must be a group: a mapping with name, base, cluster, datastore, network, count or members" },
);

export const limitsSchema = z.strictObject(
  {
    maxClonesPerChain: number("clones").optional(),
    maxHostsPerChain: number("hosts").optional(),
    warnClonesPerChain: number("clones").optional(),
  },
  { error: "must be a mapping with maxClonesPerChain, maxHostsPerChain, warnClonesPerChain" },
);

export const environmentSchema = z.strictObject({
  vsphere: vsphereSchema,
  backend: backendSchema.default({ type: "local" }),
  datacenter: text("datacenter name"),
  clusters: z
    .record(z.string(), clusterSchema, { error: "must be a mapping of cluster names to {hosts, haEnabled}" })
    .default({}),
  datastores: z
    .record(z.string(), datastoreSchema, { error: "must be a mapping of datastore names to {type, capacityGb}" })
    .default({}),
  bases: z
    .record(z.string(), baseSchema, { error: "must be a mapping of base names to {vm, snapshot, ...}" })
    .refine((b) => Object.keys(b).length > 0, { error: "must declare at least one base" }),
  groups: z
    .array(groupSchema, { error: "must be a list of groups (- name: ...)" })
    .min(1, { error: "must declare at least one group" }),
  suppress: z.array(suppressionSchema, { error: "must be a list of {rule, reason}" }).optional(),
  limits: limitsSchema.default({}),
});

export type EnvironmentSpec = z.output<typeof environmentSchema>;
export type GroupSpec = z.output<typeof groupSchema>;
export type BaseSpec = z.output<typeof baseSchema>;
export type BackendSpec = z.output<typeof backendSchema>;
