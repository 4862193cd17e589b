/**
 * A generic webtask behind the Bearer check: answers a feature-flag lookup for a tenant from the
 * JSON body the caller posted.
 */
const FLAGS = {
  'new-login': { enabled: true, rollout: 50 },
  'passkeys': { enabled: true, rollout: 100 },
  'legacy-mfa': { enabled: false, rollout: 0 },
};

module.exports = function (ctx, cb) {
  const body = ctx.body || {};
  const tenant = String(body.tenant || 'default');
  const requested = Array.isArray(body.flags) ? body.flags : Object.keys(FLAGS);
  const bucket = [...tenant].reduce((sum, c) => (sum + c.charCodeAt(0)) % 100, 0);
  const flags = {};
  for (const name of requested) {
    const flag = FLAGS[name];
    flags[name] = !!flag && flag.enabled && bucket < flag.rollout;
  }
  cb(null, { tenant, bucket, flags });
};
