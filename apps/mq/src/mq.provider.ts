import { Injectable } from '@nestjs/common';
import type {
  CreateBrokerRequest,
  CreateBrokerResponse,
  CreateConfigurationRequest,
  CreateConfigurationResponse,
  CreateTagsRequest,
  CreateUserRequest,
  CreateUserResponse,
  DeleteBrokerRequest,
  DeleteBrokerResponse,
  DeleteConfigurationRequest,
  DeleteConfigurationResponse,
  DeleteTagsRequest,
  DeleteUserRequest,
  DeleteUserResponse,
  DescribeBrokerEngineTypesRequest,
  DescribeBrokerEngineTypesResponse,
  DescribeBrokerInstanceOptionsRequest,
  DescribeBrokerInstanceOptionsResponse,
  DescribeBrokerRequest,
  DescribeBrokerResponse,
  DescribeConfigurationRequest,
  DescribeConfigurationResponse,
  DescribeConfigurationRevisionRequest,
  DescribeConfigurationRevisionResponse,
  DescribeUserRequest,
  DescribeUserResponse,
  ListBrokersRequest,
  ListBrokersResponse,
  ListConfigurationRevisionsRequest,
  ListConfigurationRevisionsResponse,
  ListConfigurationsRequest,
  ListConfigurationsResponse,
  ListTagsRequest,
  ListTagsResponse,
  ListUsersRequest,
  ListUsersResponse,
  PromoteRequest,
  PromoteResponse,
  RebootBrokerRequest,
  RebootBrokerResponse,
  UpdateBrokerRequest,
  UpdateBrokerResponse,
  UpdateConfigurationRequest,
  UpdateConfigurationResponse,
  UpdateUserRequest,
  UpdateUserResponse,
} from '@aws-sdk/client-mq';
import type { RequestContext } from '@wharf/aws-protocol';
import * as mq from '@wharf/mq-engine';

const scope = (c: RequestContext): mq.Scope => ({ region: c.region, accountId: c.accountId });

/** The Amazon MQ API: one method per operation of the model, SDK-typed, each handing over to the engine. */
@Injectable()
export class MqProvider {
  constructor(private readonly engine: mq.MqEngine) {}

  CreateBroker(input: CreateBrokerRequest, context: RequestContext): Promise<CreateBrokerResponse> {
    return mq.createBroker(this.engine, input, scope(context));
  }
  DescribeBroker(input: DescribeBrokerRequest): Promise<DescribeBrokerResponse> {
    return mq.describeBroker(this.engine, input);
  }
  ListBrokers(input: ListBrokersRequest): Promise<ListBrokersResponse> {
    return mq.listBrokers(this.engine, input);
  }
  UpdateBroker(input: UpdateBrokerRequest): Promise<UpdateBrokerResponse> {
    return mq.updateBroker(this.engine, input);
  }
  RebootBroker(input: RebootBrokerRequest): Promise<RebootBrokerResponse> {
    return mq.rebootBroker(this.engine, input);
  }
  DeleteBroker(input: DeleteBrokerRequest): Promise<DeleteBrokerResponse> {
    return mq.deleteBroker(this.engine, input);
  }
  Promote(input: PromoteRequest): Promise<PromoteResponse> {
    return mq.promote(this.engine, input);
  }
  CreateUser(input: CreateUserRequest): Promise<CreateUserResponse> {
    return mq.createUser(this.engine, input);
  }
  DescribeUser(input: DescribeUserRequest): Promise<DescribeUserResponse> {
    return mq.describeUser(this.engine, input);
  }
  UpdateUser(input: UpdateUserRequest): Promise<UpdateUserResponse> {
    return mq.updateUser(this.engine, input);
  }
  DeleteUser(input: DeleteUserRequest): Promise<DeleteUserResponse> {
    return mq.deleteUser(this.engine, input);
  }
  ListUsers(input: ListUsersRequest): Promise<ListUsersResponse> {
    return mq.listUsers(this.engine, input);
  }
  CreateConfiguration(input: CreateConfigurationRequest, context: RequestContext): Promise<CreateConfigurationResponse> {
    return mq.createConfiguration(this.engine, input, scope(context));
  }
  DescribeConfiguration(input: DescribeConfigurationRequest): Promise<DescribeConfigurationResponse> {
    return mq.describeConfiguration(this.engine, input);
  }
  ListConfigurations(input: ListConfigurationsRequest): Promise<ListConfigurationsResponse> {
    return mq.listConfigurations(this.engine, input);
  }
  UpdateConfiguration(input: UpdateConfigurationRequest): Promise<UpdateConfigurationResponse> {
    return mq.updateConfiguration(this.engine, input);
  }
  DeleteConfiguration(input: DeleteConfigurationRequest): Promise<DeleteConfigurationResponse> {
    return mq.deleteConfiguration(this.engine, input);
  }
  DescribeConfigurationRevision(input: DescribeConfigurationRevisionRequest): Promise<DescribeConfigurationRevisionResponse> {
    return mq.describeConfigurationRevision(this.engine, input);
  }
  ListConfigurationRevisions(input: ListConfigurationRevisionsRequest): Promise<ListConfigurationRevisionsResponse> {
    return mq.listConfigurationRevisions(this.engine, input);
  }
  CreateTags(input: CreateTagsRequest): Promise<void> {
    return mq.createTags(this.engine, input);
  }
  DeleteTags(input: DeleteTagsRequest): Promise<void> {
    return mq.deleteTags(this.engine, input);
  }
  ListTags(input: ListTagsRequest): Promise<ListTagsResponse> {
    return mq.listTags(this.engine, input);
  }
  DescribeBrokerEngineTypes(input: DescribeBrokerEngineTypesRequest): Promise<DescribeBrokerEngineTypesResponse> {
    return mq.describeBrokerEngineTypes(this.engine, input);
  }
  DescribeBrokerInstanceOptions(input: DescribeBrokerInstanceOptionsRequest): Promise<DescribeBrokerInstanceOptionsResponse> {
    return mq.describeBrokerInstanceOptions(this.engine, input);
  }
}
