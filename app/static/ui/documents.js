// Every GraphQL document the screen sends.
export const HOOK_FIELDS = `
  id event enabled version createdAt updatedAt updatedBy
  flowSchema { id name type }
`;

export const QUEUES = `
  query Queues($search: String, $after: String) {
    queues(search: $search, first: 50, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id name type }
    }
  }
`;

// The revision is read with the page, so the subscription can resume right after it.
export const HOOKS_PAGE = `
  query HooksPage($queueId: ID!, $first: Int, $after: String, $last: Int, $before: String,
                  $filter: QueueHookFilter, $orderBy: QueueHookOrder) {
    queue(id: $queueId) {
      id name revision
      hooks(first: $first, after: $after, last: $last, before: $before,
            filter: $filter, orderBy: $orderBy) {
        totalCount
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { ${HOOK_FIELDS} }
      }
    }
  }
`;

export const HOOK = `
  query Hook($id: ID!) { queueHook(id: $id) { ${HOOK_FIELDS} queue { id } } }
`;

export const FLOW_SCHEMAS = `
  query FlowSchemaDropdown($search: String, $after: String) {
    flowSchemas(search: $search, first: 10, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id name type }
    }
  }
`;

// A spread on a type outside a result union is invalid, so each mutation names its own.
const ERRORS = {
  InvalidInputError: "field",
  NotFoundError: "ids",
  VersionConflictError: "currentVersion",
  FlowSchemaNotAllowedError: "schemaType",
  DuplicateEnabledEventError: "event enabledHookId enabledHook { id flowSchema { name } }",
};

function errorFields(...types) {
  const spreads = types.map((type) => `... on ${type} { ${ERRORS[type]} }`).join("\n");
  return `__typename ... on Error { message code } ${spreads}`;
}

export const CREATE_HOOK = `
  mutation CreateHook($input: CreateQueueHookInput!) {
    createQueueHook(input: $input) {
      ${errorFields("InvalidInputError", "NotFoundError", "FlowSchemaNotAllowedError", "DuplicateEnabledEventError")}
      ... on CreateQueueHookSuccess { hook { ${HOOK_FIELDS} } }
    }
  }
`;

export const UPDATE_HOOK = `
  mutation UpdateHook($input: UpdateQueueHookInput!) {
    updateQueueHook(input: $input) {
      ${errorFields("InvalidInputError", "NotFoundError", "FlowSchemaNotAllowedError", "DuplicateEnabledEventError", "VersionConflictError")}
      ... on UpdateQueueHookSuccess { hook { ${HOOK_FIELDS} } }
    }
  }
`;

const SWITCH_ERRORS = errorFields(
  "InvalidInputError", "NotFoundError", "DuplicateEnabledEventError", "VersionConflictError",
);

export const SET_ENABLED = `
  mutation SetEnabled($id: ID!, $enabled: Boolean!, $expectedVersion: Int) {
    setQueueHookEnabled(id: $id, enabled: $enabled, expectedVersion: $expectedVersion) {
      ${SWITCH_ERRORS}
      ... on SetQueueHookEnabledSuccess { hook { ${HOOK_FIELDS} } }
    }
  }
`;

export const DELETE_HOOKS = `
  mutation DeleteHooks($ids: [ID!]!) {
    deleteQueueHooks(ids: $ids) {
      ${errorFields("InvalidInputError", "NotFoundError")}
      ... on DeleteQueueHooksSuccess { deletedIds }
    }
  }
`;

export const HOOK_CHANGES = `
  subscription HookChanges($queueId: ID!, $afterRevision: Int) {
    queueHooksChanged(queueId: $queueId, afterRevision: $afterRevision) {
      __typename
      ... on QueueHookChange { revision kind hookId hook { ${HOOK_FIELDS} } }
      ... on QueueHooksResyncRequired { currentRevision reason }
    }
  }
`;

// The documents below need the Hooks-tab API additions (the event and flow-schema-type
// catalogue, the change log with who and when, and the atomic switch).

export const CATALOG = `
  query Catalog {
    queueHookEvents { value label description }
    flowSchemaTypes { value label description hookable }
  }
`;

export const RECENT_CHANGES = `
  query RecentChanges($queueId: ID!) {
    queue(id: $queueId) {
      id
      changes(first: 10) {
        nodes {
          revision kind hookId changedBy changedAt
          hook { id event enabled flowSchema { name } }
        }
      }
    }
  }
`;

export const REPLACE_ENABLED = `
  mutation ReplaceEnabled($id: ID!, $expectedVersion: Int) {
    setQueueHookEnabled(id: $id, enabled: true, expectedVersion: $expectedVersion,
                        replaceEnabled: true) {
      ${SWITCH_ERRORS}
      ... on SetQueueHookEnabledSuccess {
        hook { ${HOOK_FIELDS} }
        disabledHook { ${HOOK_FIELDS} }
      }
    }
  }
`;
