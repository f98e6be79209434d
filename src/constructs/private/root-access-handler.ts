/**
 * The custom resource handler behind OrganizationGuardrails' centralized root access, inline
 * (CloudFormation `ZipFile`, at most 4,096 characters) so that it needs no asset. It uses the AWS SDK
 * for JavaScript v3 that the Node.js Lambda runtime provides, and answers CloudFormation itself
 * (the `cfn-response` module is not needed).
 *
 * Create: enable trusted access for IAM in Organizations and the requested features, and remember
 * in the physical resource id what was already enabled before. Update: enable what is now asked
 * for. Delete: nothing, unless `Destroy` is "true": then disable only what this resource enabled
 * (what was not enabled before its creation), trusted access last.
 */
export const ROOT_ACCESS_HANDLER = `
const iam = require('@aws-sdk/client-iam');
const org = require('@aws-sdk/client-organizations');
const https = require('https');
const I = new iam.IAMClient({});
const O = new org.OrganizationsClient({});
const SP = 'iam.amazonaws.com';
const F = {
  RootCredentialsManagement: ['EnableOrganizationsRootCredentialsManagementCommand', 'DisableOrganizationsRootCredentialsManagementCommand'],
  RootSessions: ['EnableOrganizationsRootSessionsCommand', 'DisableOrganizationsRootSessionsCommand'],
};
async function trusted() {
  let token; do {
    const r = await O.send(new org.ListAWSServiceAccessForOrganizationCommand({ NextToken: token }));
    if ((r.EnabledServicePrincipals || []).some(p => p.ServicePrincipal === SP)) return true;
    token = r.NextToken;
  } while (token);
  return false;
}
async function features() {
  try { return (await I.send(new iam.ListOrganizationsFeaturesCommand({}))).EnabledFeatures || []; }
  catch (e) { if (e.name === 'ServiceAccessNotEnabledException') return []; throw e; }
}
async function apply(wanted) {
  const wasTrusted = await trusted();
  if (!wasTrusted) await O.send(new org.EnableAWSServiceAccessCommand({ ServicePrincipal: SP }));
  const before = await features();
  for (const f of wanted) if (!before.includes(f)) await I.send(new iam[F[f][0]]({}));
  return { wasTrusted, before };
}
async function undo(id, wanted) {
  const m = /^root-access;trusted=(true|false);before=(.*)$/.exec(id || '');
  if (!m) return;
  const before = m[2] ? m[2].split(',') : [];
  for (const f of wanted) if (!before.includes(f)) await I.send(new iam[F[f][1]]({}));
  if (m[1] === 'false') await O.send(new org.DisableAWSServiceAccessCommand({ ServicePrincipal: SP }));
}
function respond(e, status, id, reason, data) {
  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: id, StackId: e.StackId,
    RequestId: e.RequestId, LogicalResourceId: e.LogicalResourceId, Data: data });
  return new Promise((ok, fail) => {
    const r = https.request(e.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, ok);
    r.on('error', fail); r.end(body);
  });
}
exports.handler = async (e, c) => {
  const p = e.ResourceProperties;
  const wanted = (p.Features || []).filter(f => F[f]);
  let id = e.PhysicalResourceId, data = {};
  try {
    if (e.RequestType === 'Delete') {
      if (p.Destroy === 'true') await undo(id, wanted);
    } else {
      const s = await apply(wanted);
      if (e.RequestType === 'Create') id = 'root-access;trusted=' + s.wasTrusted + ';before=' + s.before.join(',');
      data = { EnabledBefore: s.before.join(',') };
    }
    await respond(e, 'SUCCESS', id, '', data);
  } catch (err) {
    console.log(err);
    await respond(e, 'FAILED', id || c.logStreamName, String(err).slice(0, 500), {});
  }
};
`;
