// Where the task Lambdas run: private subnets with no route to the internet (no NAT), AWS APIs
// through VPC endpoints, and two security groups with no default egress:
//
//   DeviceAccessSecurityGroup  the SSH tasks: TCP 22 and 443 to the ASA management CIDRs
//                              (SSH, and the TLS check of VerifyDeployment), 443 to the
//                              interface endpoints and to the S3/DynamoDB gateway endpoints.
//   AwsOnlySecurityGroup       every other task: 443 to the endpoints only.
//
// A new VPC (trials) has isolated subnets only; it reaches the ASAs once the operator attaches
// it to the management network (Transit Gateway or VPN), which this stack does not do.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TrustpointConfig } from './config.js';

/** Interface endpoints the Lambdas (and the SDK's credential chain) need; no CDK constant exists for ACM PCA. */
export const INTERFACE_ENDPOINT_SERVICES = ['acm-pca', 'secretsmanager', 'states', 'kms', 'logs', 'sts'] as const;

export interface NetworkProps {
  config: TrustpointConfig;
  key: kms.IKey;
}

export class Network extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly deviceAccessSecurityGroup: ec2.SecurityGroup;
  readonly awsOnlySecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { config } = props;
    const stack = Stack.of(this);

    if ('create' in config.vpc) {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        ipAddresses: ec2.IpAddresses.cidr(config.vpc.cidr),
        maxAzs: config.vpc.maxAzs,
        natGateways: 0,
        subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 27 }],
        restrictDefaultSecurityGroup: true,
      });
      const flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
        encryptionKey: props.key,
        retention: config.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogGroup), trafficType: ec2.FlowLogTrafficType.ALL });
      this.vpc = vpc;
      this.subnets = vpc.isolatedSubnets;
    } else {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: config.vpc.vpcId,
        availabilityZones: [...new Set(config.vpc.subnets.map((s) => s.availabilityZone))],
      });
      this.subnets = config.vpc.subnets.map((s) => ec2.Subnet.fromSubnetAttributes(this, s.subnetId, { subnetId: s.subnetId, availabilityZone: s.availabilityZone, routeTableId: s.routeTableId }));
    }

    this.deviceAccessSecurityGroup = new ec2.SecurityGroup(this, 'DeviceAccessSecurityGroup', {
      vpc: this.vpc,
      description: `${config.namePrefix}: SSH tasks, egress to the ASA management CIDRs (22, 443) and the VPC endpoints only`,
      allowAllOutbound: false,
    });
    this.awsOnlySecurityGroup = new ec2.SecurityGroup(this, 'AwsOnlySecurityGroup', {
      vpc: this.vpc,
      description: `${config.namePrefix}: tasks without SSH, egress to the VPC endpoints only`,
      allowAllOutbound: false,
    });
    for (const cidr of config.asaManagementCidrs) {
      this.deviceAccessSecurityGroup.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(22), `SSH to the ASA management network ${cidr}`);
      this.deviceAccessSecurityGroup.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(443), `TLS check of the ASA interfaces in ${cidr}`);
    }

    const endpointSecurityGroup = this.endpoints(config);
    const prefixLists = ['s3', 'dynamodb'].map((service) =>
      ec2.PrefixList.fromLookup(this, `${service}PrefixList`, { prefixListName: `com.amazonaws.${stack.region}.${service}` }),
    );
    for (const group of [this.deviceAccessSecurityGroup, this.awsOnlySecurityGroup]) {
      group.addEgressRule(endpointSecurityGroup, ec2.Port.tcp(443), 'HTTPS to the interface VPC endpoints');
      for (const list of prefixLists) group.addEgressRule(ec2.Peer.prefixList(list.prefixListId), ec2.Port.tcp(443), 'HTTPS to the S3 and DynamoDB gateway endpoints');
    }
  }

  private endpoints(config: TrustpointConfig): ec2.ISecurityGroup {
    if (!('create' in config.vpc) && !config.vpc.createEndpoints) {
      return ec2.SecurityGroup.fromSecurityGroupId(this, 'ExistingEndpointSecurityGroup', config.vpc.endpointSecurityGroupId as string, { allowAllOutbound: false, mutable: false });
    }
    const group = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: `${config.namePrefix}: interface VPC endpoints, HTTPS from the task Lambdas only`,
      allowAllOutbound: false,
    });
    for (const source of [this.deviceAccessSecurityGroup, this.awsOnlySecurityGroup]) {
      group.addIngressRule(source, ec2.Port.tcp(443), 'HTTPS from the task Lambdas');
    }
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new ec2.InterfaceVpcEndpoint(this, `${service}Endpoint`, {
        vpc: this.vpc,
        service: new ec2.InterfaceVpcEndpointAwsService(service),
        subnets: { subnets: this.subnets },
        privateDnsEnabled: true,
        securityGroups: [group],
        open: false,
      });
    }
    new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', { vpc: this.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnets: this.subnets }] });
    new ec2.GatewayVpcEndpoint(this, 'DynamoDbEndpoint', { vpc: this.vpc, service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [{ subnets: this.subnets }] });
    return group;
  }
}
