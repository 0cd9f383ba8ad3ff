#include "shared/mask.h"
