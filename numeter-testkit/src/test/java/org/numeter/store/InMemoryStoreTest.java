package org.numeter.store;

import org.numeter.testkit.StoreContract;

class InMemoryStoreTest extends StoreContract {
    @Override
    protected Store newStore(Archives archives) {
        return new InMemoryStore(archives);
    }
}
