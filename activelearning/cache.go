package activelearning

import (
	"encoding/binary"
	"maps"
	"sync"

	"activelab/ml"
	"activelab/store"
)

// versionKey names one trained version's artifact: its row id and the
// artifact's checksum (its trailing CRC-32C), so a rewritten artifact is
// never served from the cache. A cache belongs to one Service, hence to one
// database: two Services on two databases never share entries.
type versionKey struct {
	id  store.ID
	crc uint32
}

func keyOf(id store.ID, artifact []byte) versionKey {
	var crc uint32
	if len(artifact) >= 4 {
		crc = binary.LittleEndian.Uint32(artifact[len(artifact)-4:])
	}
	return versionKey{id: id, crc: crc}
}

// modelCache holds decoded ensembles and applicability domains of the
// versions in use. A retrain drops the superseded version's entries.
type modelCache struct {
	ensembles versionMap[*ml.Ensemble]
	multis    versionMap[*ml.MultiClass]
	domains   versionMap[*trainingDomain]
}

// trainingDomain is a version's applicability domain and the training
// compounds that are its rows (in the domain's row order).
type trainingDomain struct {
	*ml.Domain
	ids []store.ID
}

// versionMap is one kind of cached value by version, safe for concurrent
// use; the zero value is empty and ready.
type versionMap[V any] struct {
	mu sync.Mutex
	m  map[versionKey]V
}

// get returns k's value (the zero value when there is none).
func (vm *versionMap[V]) get(k versionKey) V {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	return vm.m[k]
}

func (vm *versionMap[V]) put(k versionKey, v V) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.m == nil {
		vm.m = map[versionKey]V{}
	}
	vm.m[k] = v
}

// addIDs sets the version ids of its entries in ids.
func (vm *versionMap[V]) addIDs(ids map[store.ID]bool) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	for k := range vm.m {
		ids[k.id] = true
	}
}

// drop forgets every entry of version id.
func (vm *versionMap[V]) drop(id store.ID) {
	vm.mu.Lock()
	defer vm.mu.Unlock()
	maps.DeleteFunc(vm.m, func(k versionKey, _ V) bool { return k.id == id })
}

// drop forgets every entry of version id (superseded: it scores nothing
// any more).
func (c *modelCache) drop(id store.ID) {
	c.ensembles.drop(id)
	c.multis.drop(id)
	c.domains.drop(id)
}
