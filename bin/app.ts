// The CDK app (cdk.json "app"): `npx cdk synth`, `npx cdk deploy`. Configuration: the
// "trustpoint" object of the context in cdk.json (lib/config.ts).
import { createTrustpointApp } from '../lib/app.js';

createTrustpointApp().app.synth();
