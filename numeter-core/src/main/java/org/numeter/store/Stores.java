package org.numeter.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.numeter.model.Field;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;

/** The rules every store applies the same way: which metadata it keeps, which fields a query reads. */
public final class Stores {
    private Stores() {}

    /**
     * The metadata to keep after a batch: the batch's when it carries some, else what was kept; then every field
     * that was kept before (its history stays) and every field the batch has values for (as GAUGE), appended.
     */
    public static Plugin merge(Plugin kept, SampleBatch batch) {
        Plugin next = batch.meta() != null ? batch.meta() : kept;
        Set<String> names = next.fields().stream().map(Field::name).collect(Collectors.toSet());
        List<Field> added = new ArrayList<>();
        for (Field f : kept.fields()) {
            if (names.add(f.name())) {
                added.add(f);
            }
        }
        for (String v : batch.values().keySet()) {
            if (names.add(v)) {
                added.add(Field.builder(v).build());
            }
        }
        if (added.isEmpty()) {
            return next;
        }
        List<Field> all = new ArrayList<>(next.fields());
        all.addAll(added);
        return next.toBuilder().fields(all).build();
    }

    /** The fields a query reads, in its order; all of the plugin's when it names none. */
    public static List<String> fieldsWanted(Plugin plugin, SeriesQuery q) {
        List<String> all = plugin.fieldNames();
        if (q.fields().isEmpty()) {
            return all;
        }
        for (String f : q.fields()) {
            if (!all.contains(f)) {
                throw new IllegalArgumentException("field '" + f + "' is not a field of plugin " + q.plugin()
                        + " (it has " + String.join(", ", all) + ")");
            }
        }
        return q.fields();
    }
}
