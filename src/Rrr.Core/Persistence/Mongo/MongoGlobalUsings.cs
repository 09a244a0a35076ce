// Every part file of MongoStore maps its documents (Bson attributes) and queries its collections (driver): one
// place for those two usings keeps each part's preamble to what is its own. C# has no folder-scoped usings, so
// they are global to Rrr.Core; features outside Persistence/Mongo still talk to the stores through their ports.
global using MongoDB.Bson.Serialization.Attributes;
global using MongoDB.Driver;
