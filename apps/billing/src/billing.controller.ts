import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, Payload } from '@nestjs/microservices';
import type { ServiceImplementation } from '@switchyard/grpc';
import { BILLING_PORT, type BillingPort, BillingServiceDefinition, type GetUsageRequest, type GetUsageResponse } from '@switchyard/ir';

/** switchyard.billing.v1.BillingService: usage queries answered from the ledger. */
@Controller()
export class BillingController implements ServiceImplementation<BillingServiceDefinition> {
  constructor(@Inject(BILLING_PORT) private readonly billing: BillingPort) {}

  @GrpcMethod(BillingServiceDefinition.name, 'GetUsage')
  getUsage(@Payload() request: GetUsageRequest): Promise<GetUsageResponse> {
    return this.billing.getUsage(request);
  }
}
