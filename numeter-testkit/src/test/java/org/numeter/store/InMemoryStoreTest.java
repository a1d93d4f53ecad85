package org.numeter.store;

import org.numeter.testkit.StoreContract;
import org.numeter.time.TimePolicy;

class InMemoryStoreTest extends StoreContract {
    @Override
    protected Store newStore(Archives archives, TimePolicy time) {
        return new InMemoryStore(archives, time);
    }
}
