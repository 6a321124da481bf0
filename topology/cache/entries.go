package cache

// entries gives the Cache wrapper each built-in policy's index, so expiry
// times live beside the policy's own entries (see Cache.expiry).
func (c *lfu) entries() *index      { return &c.idx }
func (c *random) entries() *index   { return &c.idx }
func (c *belady) entries() *index   { return &c.idx }
func (c *arc) entries() *index      { return &c.idx }
func (c *twoq) entries() *index     { return &c.idx }
func (c *s3fifo) entries() *index   { return &c.idx }
func (c *wtinylfu) entries() *index { return &c.idx }
func (c *gdsf) entries() *index     { return &c.idx }
func (c *lhd) entries() *index      { return &c.idx }
