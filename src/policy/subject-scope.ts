import { type GraphQLSchema, getNamedType, isObjectType } from 'graphql';

/**
 * Which types hold data about one person: Person and every object type reachable from it without
 * passing through another entry point. Consent is given per person, so only these may use basis consent,
 * and the gateway attributes their fields to that person in the access log.
 */
export function personScopedTypes(schema: GraphQLSchema, rootTypeName = 'Person'): Set<string> {
  const result = new Set<string>();
  const queue = [rootTypeName];
  while (queue.length > 0) {
    const typeName = queue.pop()!;
    const type = schema.getType(typeName);
    if (!isObjectType(type) || result.has(typeName)) continue;
    result.add(typeName);
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isObjectType(named) && named.name !== 'Household') queue.push(named.name);
    }
  }
  return result;
}
