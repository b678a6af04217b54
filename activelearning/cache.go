package activelearning

import (
	"encoding/binary"
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
	mu        sync.Mutex
	ensembles map[versionKey]*ml.Ensemble
	multis    map[versionKey]*ml.MultiClass
	domains   map[versionKey]*trainingDomain
}

// trainingDomain is a version's applicability domain and the training
// compounds that are its rows (in the domain's row order).
type trainingDomain struct {
	*ml.Domain
	ids []store.ID
}

func newModelCache() *modelCache {
	return &modelCache{ensembles: map[versionKey]*ml.Ensemble{}, multis: map[versionKey]*ml.MultiClass{}, domains: map[versionKey]*trainingDomain{}}
}

func (c *modelCache) ensemble(k versionKey) *ml.Ensemble {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ensembles[k]
}

func (c *modelCache) putEnsemble(k versionKey, e *ml.Ensemble) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ensembles[k] = e
}

func (c *modelCache) multiClass(k versionKey) *ml.MultiClass {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.multis[k]
}

func (c *modelCache) putMultiClass(k versionKey, m *ml.MultiClass) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.multis[k] = m
}

func (c *modelCache) domain(k versionKey) *trainingDomain {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.domains[k]
}

func (c *modelCache) putDomain(k versionKey, d *trainingDomain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.domains[k] = d
}

// drop forgets every entry of version id (superseded: it scores nothing
// any more).
func (c *modelCache) drop(id store.ID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.ensembles {
		if k.id == id {
			delete(c.ensembles, k)
		}
	}
	for k := range c.multis {
		if k.id == id {
			delete(c.multis, k)
		}
	}
	for k := range c.domains {
		if k.id == id {
			delete(c.domains, k)
		}
	}
}
