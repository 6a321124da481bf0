package cache

// entries gives the Cache wrapper each built-in policy's index, so expiry
// times live beside the policy's own entries (see Cache.expiry).
func (c *lru) entries() *index { return &c.idx }
