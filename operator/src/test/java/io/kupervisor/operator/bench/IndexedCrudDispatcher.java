package io.kupervisor.operator.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The mock server's CRUD dispatcher with an index by object name, for the benchmark only.
 *
 * <p>fabric8's dispatcher (7.5.2) finds the object of every create, patch and update by scanning
 * all it stores, so with 10,000 programs, their pods and Events each write costs tens of thousands
 * of attribute comparisons: the harness measured its own server, not the operator (114 s to create
 * 10,000 programs before any pod). kube-apiserver looks objects up by key; this index does the same
 * for the lookups that name an object, and leaves everything else (lists, watches, deletes,
 * answers) to fabric8's code. Every store goes through {@link #processEvent}, which records the key
 * it stored under; deleted keys are dropped when a lookup finds them gone from the store.
 */
final class IndexedCrudDispatcher extends KubernetesCrudDispatcher {
    private final Map<String, Set<AttributeSet>> byName = new HashMap<>();

    @Override
    public synchronized Map.Entry<AttributeSet, String> findResource(AttributeSet query) {
        Attribute name = query.getAttribute("name");
        if (name == null || name.getValues().size() != 1) {
            return super.findResource(query);
        }
        Set<AttributeSet> keys = byName.get(name.getValues().getFirst().toString());
        if (keys == null) {
            return null;
        }
        keys.removeIf(k -> !map.containsKey(k));
        for (AttributeSet k : keys) {
            if (k.matches(query)) {
                return Map.entry(k, map.get(k));
            }
        }
        return null;
    }

    @Override
    public synchronized void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes,
            GenericKubernetesResource resource, String value) {
        super.processEvent(path, pathAttributes, oldAttributes, resource, value);
        if (value == null) {
            return;
        }
        // the key fabric8 just stored the object under (KubernetesCrudDispatcher.processEvent)
        KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) attributeExtractor;
        AttributeSet key = resource != null ? extractor.extract(resource) : extractor.fromResource(value);
        if (!key.containsKey("plural")) {
            key = AttributeSet.merge(pathAttributes, key);
        }
        Attribute name = key.getAttribute("name");
        if (name != null && name.getValues().size() == 1 && map.containsKey(key)) {
            byName.computeIfAbsent(name.getValues().getFirst().toString(), n -> new LinkedHashSet<>()).add(key);
        }
    }
}
