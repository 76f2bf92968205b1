// docker-compose.yml must be a valid compose file with every service. Checked without Docker or any system package:
// parsed with the `yaml` package (merge keys on, as compose reads them), then the checks `docker compose config`
// makes that matter here (known keys, interpolation syntax, depends_on names, conditions and cycles, declared named
// volumes), plus what would fail at `up`: every service has an image or a build context with a Dockerfile, bind
// mounts, env_files and mounted entrypoint scripts exist, ports are well-formed and no host port is taken twice.
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

const root = path.resolve(__dirname, '../..');
const composeFile = path.join(root, 'docker-compose.yml');

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A scalar as written; anything else as JSON. */
const str = (v: unknown): string =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);

const TOP_LEVEL_KEYS = [
  'version',
  'name',
  'include',
  'services',
  'networks',
  'volumes',
  'configs',
  'secrets',
  'models',
];
// The compose specification's service attributes.
const SERVICE_KEYS = new Set(
  `annotations attach blkio_config build cap_add cap_drop cgroup cgroup_parent command configs container_name cpu_count
  cpu_percent cpu_period cpu_quota cpu_rt_period cpu_rt_runtime cpu_shares cpus cpuset credential_spec depends_on deploy
  develop device_cgroup_rules devices dns dns_opt dns_search domainname entrypoint env_file environment expose extends
  external_links extra_hosts gpus group_add healthcheck hostname image init ipc isolation labels links logging
  mac_address mem_limit mem_reservation mem_swappiness memswap_limit models network_mode networks oom_kill_disable
  oom_score_adj pid pids_limit platform ports post_start pre_stop privileged profiles pull_policy read_only restart
  runtime scale secrets security_opt shm_size stdin_open stop_grace_period stop_signal storage_opt sysctls tmpfs tty
  ulimits user userns_mode uts volumes volumes_from working_dir`.split(/\s+/),
);
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'];
const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;
const RESTART = /^(no|always|unless-stopped|on-failure(:\d+)?)$/;
const IMAGE =
  /^[a-z0-9]+([._-][a-z0-9]+)*(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:\w[\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
// Compose interpolation: $$, $NAME, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, ${NAME:+x}.
const TOKEN = /\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_]\w*)|\$/g;

/** Substitutes each variable by its default (the environment is left out: the file must work with none set). */
function interpolate(s: string, problems: string[], where: string): string {
  return s.replace(TOKEN, (m, _braced: string, op: string | undefined, arg: string | undefined, bare: string) => {
    if (m === '$$') return '$';
    if (m === '$') {
      problems.push(`${where}: bad interpolation in ${JSON.stringify(s)}`);
      return '';
    }
    if (bare !== undefined) return '';
    return op?.endsWith('-') ? (arg ?? '') : '';
  });
}

/** Every string in the file, interpolated (problems for malformed `$`), and with them the interpolated file. */
function interpolateAll(v: unknown, problems: string[], where: string): unknown {
  if (typeof v === 'string') return interpolate(v, problems, where);
  if (Array.isArray(v)) return v.map((x, i) => interpolateAll(x, problems, `${where}[${i}]`));
  if (isObj(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateAll(x, problems, `${where}.${k}`)]));
  return v;
}

const isPort = (s: string) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;
const isPortRange = (s: string) => {
  const [a, b, ...rest] = s.split('-');
  return rest.length === 0 && isPort(a!) && (b === undefined || (isPort(b) && Number(b) >= Number(a)));
};

/** A short-syntax port: `[host_ip:][host[-range]:]container[-range][/protocol]`; @returns the host port part, if any. */
function checkPort(p: unknown, problems: string[], where: string): string | undefined {
  if (typeof p === 'number') {
    if (!isPort(String(p))) problems.push(`${where}: bad port ${p}`);
    return undefined;
  }
  if (isObj(p)) {
    if (!isPort(str(p.target))) problems.push(`${where}: bad target port ${str(p.target)}`);
    if (p.published !== undefined && !isPortRange(str(p.published)))
      problems.push(`${where}: bad published port ${str(p.published)}`);
    return p.published === undefined ? undefined : str(p.published);
  }
  if (typeof p !== 'string') {
    problems.push(`${where}: a port must be a string, number or mapping`);
    return undefined;
  }
  const m = /^(?:(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?([\d-]+)?:)?([\d-]+)(?:\/(tcp|udp|sctp))?$/.exec(p);
  if (!m || !isPortRange(m[3]!) || (m[2] !== undefined && !isPortRange(m[2]))) {
    problems.push(`${where}: malformed port ${JSON.stringify(p)}`);
    return undefined;
  }
  return m[2];
}

/** Every problem in the (interpolated) compose file. */
function check(file: Obj, problems: string[]): void {
  for (const k of Object.keys(file))
    if (!TOP_LEVEL_KEYS.includes(k) && !k.startsWith('x-')) problems.push(`unknown top-level key ${k}`);
  const services = isObj(file.services) ? file.services : {};
  if (!isObj(file.services)) problems.push('services is not a mapping');
  const namedVolumes = isObj(file.volumes) ? Object.keys(file.volumes) : [];
  const networks = ['default', ...(isObj(file.networks) ? Object.keys(file.networks) : [])];
  const hostPorts = new Map<string, string>();
  const dependsOn = new Map<string, string[]>();

  for (const [name, raw] of Object.entries(services)) {
    const at = `services.${name}`;
    if (!isObj(raw)) {
      problems.push(`${at} is not a mapping`);
      continue;
    }
    const s = raw;
    for (const k of Object.keys(s))
      if (!SERVICE_KEYS.has(k) && !k.startsWith('x-')) problems.push(`${at}: unknown key ${k}`);

    // image / build
    if (s.image === undefined && s.build === undefined) problems.push(`${at}: neither image nor build`);
    if (s.image !== undefined && (typeof s.image !== 'string' || !IMAGE.test(s.image)))
      problems.push(`${at}: bad image ${JSON.stringify(s.image)}`);
    if (s.build !== undefined) {
      const b = typeof s.build === 'string' ? { context: s.build } : isObj(s.build) ? s.build : undefined;
      const context = typeof b?.context === 'string' ? b.context : '.';
      const dockerfile = typeof b?.dockerfile === 'string' ? b.dockerfile : 'Dockerfile';
      if (!b) problems.push(`${at}.build is neither a path nor a mapping`);
      else if (!fs.existsSync(path.resolve(root, context, dockerfile)))
        problems.push(`${at}.build: no ${path.join(context, dockerfile)}`);
    }

    // depends_on: names that exist, valid conditions, a health check where one is awaited
    const deps: Obj = Array.isArray(s.depends_on)
      ? Object.fromEntries(s.depends_on.map((d) => [String(d), { condition: 'service_started' }]))
      : isObj(s.depends_on)
        ? s.depends_on
        : {};
    if (s.depends_on !== undefined && !Array.isArray(s.depends_on) && !isObj(s.depends_on))
      problems.push(`${at}.depends_on is neither a list nor a mapping`);
    dependsOn.set(name, Object.keys(deps));
    for (const [dep, spec] of Object.entries(deps)) {
      const target = services[dep];
      if (!isObj(target)) problems.push(`${at}.depends_on: no service ${dep}`);
      if (dep === name) problems.push(`${at} depends on itself`);
      const condition = isObj(spec) ? spec.condition : undefined;
      if (!isObj(spec) || typeof condition !== 'string' || !CONDITIONS.includes(condition))
        problems.push(`${at}.depends_on.${dep}: bad condition ${JSON.stringify(condition)}`);
      else if (condition === 'service_healthy' && isObj(target) && !isObj(target.healthcheck))
        problems.push(`${at}.depends_on.${dep}: service_healthy, but ${dep} has no healthcheck`);
    }

    // environment: a mapping of scalars or a list of KEY[=value]
    if (isObj(s.environment)) {
      for (const [k, v] of Object.entries(s.environment))
        if (v !== null && !['string', 'number', 'boolean'].includes(typeof v))
          problems.push(`${at}.environment.${k} is not a scalar`);
    } else if (Array.isArray(s.environment)) {
      for (const e of s.environment)
        if (typeof e !== 'string' || !/^[^=\s]+(=.*)?$/s.test(e))
          problems.push(`${at}.environment: bad entry ${JSON.stringify(e)}`);
    } else if (s.environment !== undefined) problems.push(`${at}.environment is neither a mapping nor a list`);

    // env_file: each file exists (unless `required: false`)
    const envFiles = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
    for (const e of envFiles) {
      const p = typeof e === 'string' ? e : isObj(e) ? e.path : undefined;
      const required = !(isObj(e) && e.required === false);
      if (typeof p !== 'string') problems.push(`${at}.env_file: bad entry ${JSON.stringify(e)}`);
      else if (required && !fs.existsSync(path.resolve(root, p))) problems.push(`${at}.env_file: no ${p}`);
    }

    // volumes: bind mounts exist, named volumes are declared; mounted entrypoint scripts exist
    const binds: { source: string; target: string }[] = [];
    for (const v of Array.isArray(s.volumes) ? s.volumes : s.volumes === undefined ? [] : [null]) {
      let source: string | undefined;
      let target: string | undefined;
      if (typeof v === 'string') {
        const parts = v.split(':');
        if (
          parts.length > 3 ||
          (parts.length === 3 && !/^(ro|rw|z|Z|cached|delegated|consistent|nocopy)(,\w+)*$/.test(parts[2]!))
        )
          problems.push(`${at}.volumes: malformed ${JSON.stringify(v)}`);
        [source, target] = parts.length === 1 ? [undefined, parts[0]] : [parts[0], parts[1]];
      } else if (isObj(v) && typeof v.target === 'string') {
        source = typeof v.source === 'string' ? v.source : undefined;
        target = v.target;
      } else {
        problems.push(`${at}.volumes: bad entry ${JSON.stringify(v)}`);
        continue;
      }
      if (!target?.startsWith('/')) problems.push(`${at}.volumes: target ${JSON.stringify(target)} is not absolute`);
      if (source === undefined) continue;
      if (/^[./~]/.test(source)) {
        if (!fs.existsSync(path.resolve(root, source))) problems.push(`${at}.volumes: no ${source}`);
        else binds.push({ source, target: target! });
      } else if (!namedVolumes.includes(source)) problems.push(`${at}.volumes: volume ${source} is not declared`);
    }
    for (const arg of [s.entrypoint, s.command].flatMap((c): unknown[] => (Array.isArray(c) ? c : []))) {
      if (typeof arg !== 'string') continue;
      const bind = binds.find((b) => arg.startsWith(`${b.target}/`));
      if (bind && !fs.existsSync(path.resolve(root, bind.source, arg.slice(bind.target.length + 1))))
        problems.push(`${at}: ${arg} is not in ${bind.source}`);
    }

    // ports: well-formed, no host port taken twice
    if (s.ports !== undefined && !Array.isArray(s.ports)) problems.push(`${at}.ports is not a list`);
    for (const p of Array.isArray(s.ports) ? s.ports : []) {
      const host = checkPort(p, problems, `${at}.ports`);
      if (host === undefined) continue;
      const other = hostPorts.get(host);
      if (other) problems.push(`${at}.ports: host port ${host} is also ${other}'s`);
      hostPorts.set(host, name);
    }

    // networks: declared
    const nets = Array.isArray(s.networks) ? s.networks.map(String) : isObj(s.networks) ? Object.keys(s.networks) : [];
    for (const n of nets) if (!networks.includes(n)) problems.push(`${at}.networks: network ${n} is not declared`);

    // the rest that docker compose would refuse
    if (s.restart !== undefined && (typeof s.restart !== 'string' || !RESTART.test(s.restart)))
      problems.push(`${at}: bad restart ${JSON.stringify(s.restart)}`);
    if (s.stop_grace_period !== undefined && !DURATION.test(str(s.stop_grace_period)))
      problems.push(`${at}: bad stop_grace_period ${JSON.stringify(s.stop_grace_period)}`);
    for (const k of ['command', 'entrypoint'])
      if (
        s[k] !== undefined &&
        typeof s[k] !== 'string' &&
        !(Array.isArray(s[k]) && s[k].every((x) => typeof x === 'string'))
      )
        problems.push(`${at}.${k} is neither a string nor a list of strings`);
    if (s.healthcheck !== undefined) {
      const h = isObj(s.healthcheck) ? s.healthcheck : {};
      const t = h.test;
      if (
        !(typeof t === 'string' && t.length > 0) &&
        !(
          Array.isArray(t) &&
          ['NONE', 'CMD', 'CMD-SHELL'].includes(t[0] as string) &&
          t.every((x) => typeof x === 'string')
        )
      )
        problems.push(`${at}.healthcheck: bad test ${JSON.stringify(t)}`);
      for (const k of ['interval', 'timeout', 'start_period', 'start_interval'])
        if (h[k] !== undefined && !DURATION.test(str(h[k])))
          problems.push(`${at}.healthcheck.${k}: bad duration ${str(h[k])}`);
      if (h.retries !== undefined && !Number.isInteger(h.retries))
        problems.push(`${at}.healthcheck.retries is not an integer`);
    }
  }

  // no depends_on cycle
  const done = new Set<string>();
  const visit = (n: string, trail: string[]): void => {
    if (trail.includes(n)) {
      problems.push(`depends_on cycle: ${[...trail.slice(trail.indexOf(n)), n].join(' -> ')}`);
      return;
    }
    if (done.has(n)) return;
    for (const d of dependsOn.get(n) ?? []) visit(d, [...trail, n]);
    done.add(n);
  };
  for (const n of dependsOn.keys()) visit(n, []);
}

describe('docker-compose.yml', () => {
  it('is a valid compose file and has every service', () => {
    const doc = parseDocument(fs.readFileSync(composeFile, 'utf8'), { merge: true, uniqueKeys: true });
    const problems = [...doc.errors, ...doc.warnings].map((e) => `yaml: ${e.message}`);
    const raw: unknown = doc.toJS({ maxAliasCount: 100 });
    expect(isObj(raw)).toBe(true);
    const file = interpolateAll(raw, problems, 'docker-compose.yml') as Obj;
    check(file, problems);
    expect(problems).toEqual([]);
    const services = Object.keys(isObj(file.services) ? file.services : {}).sort();
    expect(services).toEqual(
      ['postgresql', 'receiver', 'temporal', 'temporal-register', 'temporal-setup', 'temporal-ui', 'worker'].sort(),
    );
  });
});
